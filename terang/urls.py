from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from terang.api import api

admin.site.site_header = "Terang — administrasi BKPSDM"
admin.site.site_title = "Terang"

urlpatterns = [
    path("", include("core.urls")),
    path("akun/", include("accounts.urls")),
    path("organisasi/", include("org.urls")),
    path("audit/", include("audit.urls")),
    path("kinerja/", include("performance.urls")),
    path("keadilan/", include("fairness.urls")),
    path("kriteria/", include("criteria.urls")),
    path("", include("transparency.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
