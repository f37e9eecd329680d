from django.apps import AppConfig


class HelpersConfig(AppConfig):
    name = "kith.helpers"
    label = "helpers"
