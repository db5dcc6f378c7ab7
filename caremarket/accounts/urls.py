from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password-reset/complete/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("people/", views.user_list, name="user-list"),
    path("people/new/", views.user_create, name="user-create"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation-withdraw"),
    path("invitation/<str:key>/", views.invitation_accept, name="invitation-accept"),
    path("people/<int:pk>/roles/", views.user_roles, name="user-roles"),
    path("people/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("logo/", views.organisation_logo, name="logo"),
    path("logos/<int:pk>.png", views.organisation_logo_image, name="logo-image"),
    path("api-tokens/", views.token_list, name="token-list"),
    path("api-tokens/new/", views.token_create, name="token-create"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
