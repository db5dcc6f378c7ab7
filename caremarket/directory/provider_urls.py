from django.urls import path

from . import provider_views as views

app_name = "provider-directory"

urlpatterns = [
    path("", views.listing_list, name="list"),
    path("profile/", views.profile_edit, name="profile"),
    path("<int:pk>/", views.listing_view, name="listing"),
    path("<int:pk>/edit/", views.listing_edit, name="edit"),
    path("enquiries/<int:pk>/", views.enquiry_view, name="enquiry"),
]
