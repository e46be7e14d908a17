"""Evaluation pages (rating, dashboard, finalisation, publication, objections, documents)."""

from django.urls import path

from performance import views_eval as v

app_name = "performance"

urlpatterns = [
    path("skp/<int:pk>/evaluasi/", v.evaluation, name="evaluation"),
    path("skp/<int:pk>/evaluasi/pratinjau/", v.evaluation_preview, name="evaluation_preview"),
    path("skp/<int:pk>/keberatan/", v.objection_file, name="objection_file"),
    path("skp/<int:pk>/skp.pdf", v.skp_pdf, name="skp_pdf"),
    path("skp/<int:pk>/evaluasi.pdf", v.evaluation_pdf, name="evaluation_pdf"),
    path("keberatan/<int:pk>/", v.objection, name="objection"),
    path("periode/", v.periods, name="periods"),
    path("periode/<int:pk>/", v.period_detail, name="period"),
    path("periode/<int:pk>/umumkan/", v.period_publish, name="period_publish"),
    path("dasbor/", v.dashboard, name="dashboard"),
    path("dasbor/unit/<int:unit_pk>/", v.unit, name="unit"),
    path("dasbor/unit/<int:unit_pk>/capaian/", v.unit_org_result, name="unit_org_result"),
    path("dasbor/unit/<int:unit_pk>/finalisasi/", v.unit_finalise, name="unit_finalise"),
    path("dasbor/unit/<int:unit_pk>/hasil.xlsx", v.unit_xlsx, name="unit_xlsx"),
    path("riwayat/<int:employee_pk>/", v.history, name="history"),
]
