from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kith.members"
    label = "members"
