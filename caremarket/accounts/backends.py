from django.contrib.auth.backends import ModelBackend


class OrganisationUserBackend(ModelBackend):
    """Sign-in goes through accounts.services.sign_in_check (lockout, audit); this backend only loads
    the signed-in user, with roles and organisation, on each request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # No sign-in by password here: people sign in through sign_in_check, installation staff through
        # staff_sign_in_check (lockout, audit and a second factor), which log the user in themselves.
        return None

    def get_user(self, user_id):
        from .models import User

        user = User.objects.select_related("organisation").prefetch_related("role_grants").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
