from django.contrib.auth.backends import ModelBackend


class OrganisationUserBackend(ModelBackend):
    """Sign-in goes through accounts.services.sign_in_check (lockout, audit); this backend only loads
    the signed-in user, with roles and organisation, on each request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Django admin sign-in for installation staff only.
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not user.is_staff:
            return None
        return user

    def get_user(self, user_id):
        from .models import User

        user = User.objects.select_related("organisation").prefetch_related("role_grants").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
