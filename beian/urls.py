"""Beian's URL map: the admin, the API under /api/, accounts pages, the web pages."""

from django.contrib import admin
from django.urls import include, path

from beian.core.api import api

admin.site.site_header = "Beian 备案管理"
admin.site.site_title = "Beian"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("beian.accounts.urls")),
    path("lookup/", include("beian.lookup.urls")),
    path("", include("beian.web.urls")),
]
