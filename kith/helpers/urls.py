app_name = "helpers"
urlpatterns: list = []
