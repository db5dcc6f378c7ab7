from django.contrib import admin
from django.urls import include, path

from caremarket.site.api import api

urlpatterns = [
    path("", include("caremarket.site.urls")),
    path("", include("caremarket.core.urls")),
    path("account/", include("caremarket.accounts.urls")),
    path("notifications/", include("caremarket.notifications.urls")),
    path("reference/", include("caremarket.reference.urls")),
    path("arrangements/", include("caremarket.arrangements.urls")),
    path("applications/", include("caremarket.arrangements.provider_urls")),
    path("cqc/", include("caremarket.cqc.urls")),
    path("brokerage/", include("caremarket.brokerage.urls")),
    path("referrals/", include("caremarket.brokerage.provider_urls")),
    path("finance/", include("caremarket.finance.urls")),
    path("delivery/", include("caremarket.finance.provider_urls")),
    path("quality/", include("caremarket.quality.urls")),
    path("insight/", include("caremarket.insight.urls")),
    path("market-position/", include("caremarket.insight.public_urls")),
    path("directory/manage/", include("caremarket.directory.urls")),
    path("directory/", include("caremarket.directory.public_urls")),
    path("listings/", include("caremarket.directory.provider_urls")),
    path("openreferral/", include("caremarket.directory.feed_urls")),
    path("api/v1/", api.urls),
    path("installation-admin/", admin.site.urls),
]

handler403 = "caremarket.core.views.forbidden"
handler404 = "caremarket.core.views.not_found"
handler500 = "caremarket.core.views.server_error"
