from django.urls import path

from . import views

app_name = "brokerage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/source/", views.request_source, name="request-source"),
    path("requests/<int:pk>/source/", views.request_source, name="request-source"),
]
