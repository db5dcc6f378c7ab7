from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from . import services
from .models import ApiToken, Organisation, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ons_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff"]
    list_filter = ["organisation", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [RoleGrantInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]


class StaffSignInForm(AdminAuthenticationForm):
    """The installation admin's sign-in: the same lockout and audit as everyone's, and a second factor."""

    code = forms.CharField(label="Code from your authenticator app", max_length=8, required=True)

    def clean(self):
        try:
            self.user_cache = services.staff_sign_in_check(
                email=self.cleaned_data.get("username") or "",
                password=self.cleaned_data.get("password") or "",
                code=self.cleaned_data.get("code") or "",
            )
        except services.SignInError as exc:
            raise ValidationError(exc.message, code="invalid_login") from exc
        self.user_cache.backend = "caremarket.accounts.backends.OrganisationUserBackend"
        return self.cleaned_data


admin.site.login_form = StaffSignInForm
admin.site.login_template = "admin/staff_login.html"
