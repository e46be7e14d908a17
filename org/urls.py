from django.urls import path

from org import views

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("pegawai/", views.employee_list, name="employees"),
    path("pegawai/<int:pk>/", views.employee_detail, name="employee"),
    path("pegawai/<int:pk>/status/", views.employee_active, name="employee_active"),
    path("impor/", views.import_upload, name="import"),
    path("impor/templat.xlsx", views.import_template, name="import_template"),
    path("impor/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("impor/<uuid:pk>/simpan/", views.import_confirm, name="import_confirm"),
    path("ekspor/", views.export, name="export"),
]
