from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from caremarket.core.govuk import FAILED, bound, submit
from caremarket.core.permissions import has_permission, permission_required
from caremarket.domain.roles import Permission

from . import selectors, services
from .forms import (
    ApiTokenForm,
    ApiTokenRevokeForm,
    DeactivateForm,
    GovukSetPasswordForm,
    InvitationAcceptForm,
    InvitationWithdrawForm,
    PersonForm,
    QueuedPasswordResetForm,
    RolesForm,
    SignInForm,
)


def sign_in(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = SignInForm(bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_check(email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        except services.SignInError as exc:
            form.add_error("email", exc.message)
        else:
            login(request, user, backend="caremarket.accounts.backends.OrganisationUserBackend")
            return redirect(next_url or "site:home")
    timed_out = request.GET.get("timed-out") == "1" and not request.user.is_authenticated
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url, "timed_out": timed_out})


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        services.user_signed_out(user=request.user)
    logout(request)
    if request.POST.get("reason") == "timed-out":
        return redirect(f"{reverse('accounts:sign-in')}?timed-out=1")
    messages.success(request, "You have signed out")
    return redirect("accounts:sign-in")


@require_POST
def keep_alive(request):
    """The timeout warning's "Stay signed in": any signed-in request renews the session; this one does only that."""
    from django.http import HttpResponse

    return HttpResponse(status=204 if request.user.is_authenticated else 401)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_reset(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@permission_required(Permission.USERS_READ)
def user_list(request):
    organisation = request.user.organisation
    users = selectors.user_list(organisation=organisation)
    invitations = selectors.invitation_list(organisation=organisation)
    return render(request, "accounts/user_list.html", {"users": users, "invitations": invitations})


@permission_required(Permission.USERS_MANAGE)
def organisation_logo(request):
    """The organisation's logo in the header: upload one (PNG or JPEG), or remove it."""
    from .forms import LogoForm

    organisation = request.user.organisation
    form = LogoForm(bound(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.organisation_logo_set(organisation=organisation, actor=request.user, content=None)
        messages.success(request, "Logo removed: the header shows your organisation's name only")
        return redirect("accounts:logo")
    done = submit(
        request,
        form,
        lambda data: services.organisation_logo_set(
            organisation=organisation, actor=request.user, content=data["logo"].read()
        ),
    )
    if done is not FAILED:
        messages.success(request, "Logo saved: it is in the header of every page your organisation's people see")
        return redirect("accounts:logo")
    return render(
        request, "accounts/logo.html", {"form": form, "organisation": organisation}, status=400 if form.errors else 200
    )


def organisation_logo_image(request, pk: int):
    """An organisation's logo, as re-drawn when it was uploaded; cached until it changes (its URL carries when)."""
    from django.http import HttpResponse

    logo = selectors.organisation_logo(pk=pk)
    if logo is None:
        raise Http404("No logo")
    response = HttpResponse(logo, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required(Permission.USERS_MANAGE)
def user_create(request):
    organisation = request.user.organisation
    form = PersonForm(bound(request), kind=organisation.kind)
    invitation = submit(
        request,
        form,
        lambda data: services.invitation_create(
            organisation=organisation, actor=request.user, base_url=request.build_absolute_uri("/"), **data
        ),
    )
    if invitation is not FAILED:
        messages.success(
            request,
            f"Invited {invitation.full_name}. They join when they accept the invitation we have emailed to "
            f"{invitation.email}; it waits under 'Invitations waiting' until then.",
        )
        return redirect("accounts:user-list")
    return render(request, "accounts/person_form.html", {"form": form})


@permission_required(Permission.USERS_MANAGE)
def invitation_withdraw(request, pk: int):
    invitation = selectors.invitation_get(organisation=request.user.organisation, pk=pk)
    form = InvitationWithdrawForm(bound(request))
    done = submit(request, form, lambda data: services.invitation_withdraw(invitation=invitation, actor=request.user))
    if done is not FAILED:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn; its link no longer works")
        return redirect("accounts:user-list")
    return render(request, "accounts/invitation_withdraw.html", {"form": form, "invitation": invitation})


def invitation_accept(request, key: str):
    """The invitee's page, reached from the email without signing in."""
    invitation = services.invitation_for_key(key=key)
    if invitation is None:
        return render(request, "accounts/invitation_accept.html", {"invitation": None}, status=404)
    form = InvitationAcceptForm(bound(request))
    user = submit(
        request, form, lambda data: services.invitation_accept(invitation=invitation, password=data["password"])
    )
    if user is not FAILED:
        messages.success(request, f"Welcome to {invitation.organisation.name}. Sign in with your new password.")
        return redirect("accounts:sign-in")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


@permission_required(Permission.USERS_MANAGE)
def user_roles(request, pk: int):
    organisation = request.user.organisation
    person = selectors.user_get(organisation=organisation, pk=pk)
    form = RolesForm(bound(request), kind=organisation.kind, initial={"roles": sorted(r.value for r in person.roles)})
    result = submit(
        request, form, lambda data: services.user_roles_set(user=person, roles=data["roles"], actor=request.user)
    )
    if result is not FAILED:
        messages.success(request, f"Saved the roles of {person.full_name}")
        return redirect("accounts:user-list")
    return render(request, "accounts/person_roles.html", {"form": form, "person": person})


@permission_required(Permission.USERS_MANAGE)
def user_deactivate(request, pk: int):
    """A leaver: ask why, then end their access (sessions and tokens); their history stays."""
    person = selectors.user_get(organisation=request.user.organisation, pk=pk)
    form = DeactivateForm(bound(request))
    done = submit(
        request,
        form,
        lambda data: services.user_deactivate(user=person, actor=request.user, reason=data["reason"]),
    )
    if done is not FAILED:
        messages.success(request, f"{person.full_name} can no longer sign in; their sessions and API tokens have ended")
        return redirect("accounts:user-list")
    return render(request, "accounts/person_deactivate.html", {"form": form, "person": person})


@permission_required(Permission.TOKENS_OWN)
def token_list(request):
    tokens = selectors.api_token_list(organisation=request.user.organisation)
    if not has_permission(request.user, Permission.TOKENS_MANAGE):
        tokens = tokens.filter(created_by=request.user)  # admins see every token; others their own
    return render(request, "accounts/token_list.html", {"tokens": tokens, "now": timezone.now()})


@permission_required(Permission.TOKENS_OWN)
def token_create(request):
    organisation = request.user.organisation
    form = ApiTokenForm(bound(request), kind=organisation.kind, held=request.user.roles)
    issued = submit(
        request,
        form,
        lambda data: services.api_token_create(organisation=organisation, actor=request.user, **data),
    )
    if issued is not FAILED:
        # The secret is shown on this response only; it is never stored.
        return render(request, "accounts/token_created.html", {"token": issued.token, "secret": issued.secret})
    return render(request, "accounts/token_form.html", {"form": form})


@permission_required(Permission.TOKENS_OWN)
def token_revoke(request, pk: int):
    token = selectors.api_token_get(organisation=request.user.organisation, pk=pk)
    if token.created_by_id != request.user.pk and not has_permission(request.user, Permission.TOKENS_MANAGE):
        raise Http404("No such token")
    form = ApiTokenRevokeForm(bound(request))
    result = submit(
        request, form, lambda data: services.api_token_revoke(token=token, actor=request.user, reason=data["reason"])
    )
    if result is not FAILED:
        messages.success(request, f"Token '{token.name}' is revoked. Machine clients using it are refused from now on.")
        return redirect("accounts:token-list")
    return render(request, "accounts/token_revoke.html", {"form": form, "token": token})
