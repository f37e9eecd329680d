from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kith.accounts"
    label = "accounts"
