"""Fairness pages under /keadilan/: rater reports, analyses, conflicts of interest, calibration."""

from django.urls import path

from fairness import views as v

app_name = "fairness"

urlpatterns = [
    path("", v.index, name="index"),
    path("analisis/mulai/", v.analysis_start, name="analysis_start"),
    path("analisis/<int:pk>/", v.analysis, name="analysis"),
    path("laporan-saya/", v.my_report, name="my_report"),
    path("panduan/", v.guide, name="guide"),
    path("konflik/", v.conflicts, name="conflicts"),
    path("konflik/semua/", v.conflicts_all, name="conflicts_all"),
    path("konflik/<int:pk>/tarik/", v.conflict_withdraw, name="conflict_withdraw"),
    path("kalibrasi/", v.sessions, name="sessions"),
    path("kalibrasi/<int:pk>/", v.session, name="session"),
    path("kalibrasi/<int:pk>/anggota/", v.session_member_add, name="session_member_add"),
    path("kalibrasi/<int:pk>/anggota/<int:member_pk>/hapus/", v.session_member_remove, name="session_member_remove"),
    path("kalibrasi/<int:pk>/tutup/", v.session_close, name="session_close"),
    path("kalibrasi/<int:pk>/keputusan/<int:evaluation_pk>/", v.session_decide, name="session_decide"),
]
