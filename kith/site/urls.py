from django.urls import path

from kith.core import views as core_views
from kith.privacy import views as privacy_views
from kith.site import views

# The namespace stays "core": "core:home" and "core:audit" are named in
# every part's templates and views (docs/adr/0019-floors-and-hooks.md).
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("privacy/", privacy_views.notice, name="privacy"),
    path("contact/", core_views.contact, name="contact"),
    path("audit/", views.audit_log, name="audit"),
    path("localities/", views.localities, name="localities"),
    path("localities/new/", views.locality_new, name="locality_new"),
    path("localities/<slug:slug>/", views.locality_edit, name="locality_edit"),
    path(
        "localities/<slug:slug>/status/", views.locality_status, name="locality_status"
    ),
    path("localities/<slug:slug>/enter/", views.locality_enter, name="locality_enter"),
]
