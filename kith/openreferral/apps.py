from django.apps import AppConfig


class OpenReferralConfig(AppConfig):
    """The directory published in the Open Referral UK 3.0 standard: the
    read-only JSON API at /openreferral/ and the import of other feeds."""

    name = "kith.openreferral"
    label = "openreferral"
