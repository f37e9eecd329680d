from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "kith.help"
    label = "help"
