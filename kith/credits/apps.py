from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "kith.credits"
    label = "credits"
