from django.contrib import admin

from .models import Area, NeedLevel, ReasonCode, ServiceType

for model in (ServiceType, Area, NeedLevel, ReasonCode):
    admin.site.register(model, list_display=["name", "code", "council", "is_active"], list_filter=["council"])
