from django.urls import path

from . import public_views as views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:council_slug>/", views.search, name="search"),
    path("<slug:council_slug>/services/<str:key>/", views.service, name="service"),
    path("<slug:council_slug>/services/<str:key>/enquiry-sent/", views.enquiry_sent, name="enquiry-sent"),
]
