from django.contrib import admin
from django.urls import include, path

from kith.accounts.views import admin_sign_in
from kith.help import print_views as help_print
from kith.notify import urls as notify_urls
from kith.notify.views import metrics
from kith.social import print_views as social_print

admin.site.site_header = "Kith administration"
admin.site.site_title = "Kith administration"
admin.site.login = admin_sign_in  # type: ignore[method-assign]

urlpatterns = [
    path("", include("kith.site.urls")),
    path("", include("kith.accounts.urls")),
    path("places/", include("kith.places.urls")),
    path("members/", include("kith.members.urls")),
    path("helpers/", include("kith.helpers.urls")),
    path("credits/", include("kith.credits.urls")),
    path("help/", include("kith.help.urls")),
    path("matching/", include("kith.matching.urls")),
    path("social/", include("kith.social.urls")),
    path("data-protection/", include("kith.privacy.urls")),
    path("safeguarding/", include("kith.safeguarding.urls")),
    path("directory/", include("kith.directory.urls")),
    path("openreferral/", include("kith.openreferral.urls")),
    path("budgets/", include("kith.budgeting.urls")),
    path("projects/", include("kith.projects.urls")),
    path("reports/", include("kith.reports.urls")),
    # The outbox's pages, and the large-print pages that kept its names.
    path(
        "notify/",
        include(
            (
                notify_urls.urlpatterns
                + help_print.urlpatterns
                + social_print.urlpatterns,
                notify_urls.app_name,
            )
        ),
    ),
    path("django-admin/", admin.site.urls),
    # For the operator's Prometheus, with a bearer token (docs/deploy.md).
    path("metrics", metrics, name="metrics"),
]

handler500 = "kith.site.views.server_error"
