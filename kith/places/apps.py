from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "kith.places"
    label = "places"
