from django.urls import path

from . import views

app_name = "cqc"

urlpatterns = [path("", views.index, name="index")]
