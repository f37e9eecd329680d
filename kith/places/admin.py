from django.contrib import admin

from kith.places.models import Locality, Postcode, Ward


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "council_name", "phone", "domain"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "locality"]
    list_filter = ["locality"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "latitude", "longitude", "ward_code"]
    search_fields = ["postcode", "ward_code"]
    show_full_result_count = False
