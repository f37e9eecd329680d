from django.urls import path

from kith.directory import views
from kith.directory.views import records

app_name = "directory"

urlpatterns = [
    # Public: no sign-in.
    path("", views.search, name="search"),
    path("services/<uuid:uuid>/", views.service_detail, name="service"),
    path("print/", views.print_list, name="print"),
    # Organisation editors (and checkers).
    path("mine/", views.mine, name="mine"),
    path("organisations/add/", views.organisation_add, name="organisation_add"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<int:pk>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<int:pk>/editors/add/",
        views.organisation_editor_add,
        name="organisation_editor_add",
    ),
    path(
        "organisations/<int:pk>/places/add/",
        views.location_add,
        name="location_add",
    ),
    path("places/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("organisations/<int:pk>/services/add/", views.service_add, name="service_add"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/change/", views.entry_change, name="entry_change"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path(
        "entries/<int:pk>/<str:kind>/add/",
        records.record_add,
        name="record_add",
    ),
    path(
        "entries/<int:pk>/<str:kind>/<int:record>/edit/",
        records.record_edit,
        name="record_edit",
    ),
    path(
        "entries/<int:pk>/<str:kind>/<int:record>/delete/",
        records.record_delete,
        name="record_delete",
    ),
    # Coordinators and council officers.
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_entry, name="review_entry"),
    path("review/<int:pk>/publish/", views.review_publish, name="review_publish"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/retire/", views.category_retire, name="category_retire"),
    # Signposting.
    path("signpost/<int:pk>/", views.signpost, name="signpost"),
    path(
        "services/<uuid:uuid>/signpost/",
        views.signpost_member_choice,
        name="signpost_choose",
    ),
]
