from django.urls import path

from . import views

app_name = "directory-manage"

urlpatterns = [
    path("", views.manage, name="index"),
    path("changes/<int:pk>/", views.change, name="change"),
    path("feed-check/", views.feed_check, name="feed-check"),
    path("feed-check/<int:pk>/", views.feed_check_result, name="feed-check-result"),
]
