"""The Open Referral UK 3.0 API's addresses, as the standard names them
(without a trailing slash; one is accepted too)."""

from django.urls import path, re_path

from kith.openreferral import views

app_name = "openreferral"

urlpatterns = [
    path("", views.meta, name="meta"),
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^services/?$", views.services, name="services"),
    re_path(r"^services/(?P<id>[^/]+)/?$", views.service, name="service"),
    re_path(
        r"^service_at_locations/?$",
        views.service_at_locations,
        name="service_at_locations",
    ),
    re_path(
        r"^service_at_locations/(?P<id>[^/]+)/?$",
        views.service_at_location,
        name="service_at_location",
    ),
    re_path(r"^taxonomies/?$", views.taxonomies, name="taxonomies"),
    re_path(r"^taxonomies/(?P<id>[^/]+)/?$", views.taxonomy, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_terms, name="taxonomy_terms"),
    re_path(
        r"^taxonomy_terms/(?P<id>[^/]+)/?$", views.taxonomy_term, name="taxonomy_term"
    ),
]
