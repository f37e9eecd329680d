from django.contrib import admin

from kith.accounts.models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "mobile", "postcode", "is_active"]
    search_fields = ["full_name", "preferred_name", "email", "mobile", "postcode"]
    list_filter = ["is_active", "roles__role", "roles__locality"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined", "created_by"]
    inlines = [RoleInline]
