from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kith.accounts"
    label = "accounts"

    def ready(self) -> None:
        from kith.accounts.permissions import outbox_allows
        from kith.notify.access import permission_check_register

        # The outbox sits below accounts: it asks here who may see its pages.
        permission_check_register(outbox_allows)
