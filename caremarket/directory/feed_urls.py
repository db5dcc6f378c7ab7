from django.urls import path

from . import feed_views as views

app_name = "openreferral"

urlpatterns = [
    path("", views.index, name="index"),
    path("services", views.services, name="services"),
    path("services/<str:key>", views.service, name="service"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:key>", views.taxonomy, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy-terms"),
    path("taxonomy_terms/<str:key>", views.taxonomy_term, name="taxonomy-term"),
    path("service_at_locations", views.service_at_locations, name="service-at-locations"),
    path("service_at_locations/<str:key>", views.service_at_location, name="service-at-location"),
]
