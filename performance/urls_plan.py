"""Planning and doing pages (my SKP, team, realisation, evidence, dialog kinerja, 360)."""

from django.urls import path

from performance import views_plan as v

urlpatterns: list = [
    path("", v.mine, name="mine"),
    path("notifikasi/baca/", v.notifications_read, name="notifications_read"),
    path("skp/mulai/", v.skp_start, name="skp_start"),
    path("skp/<int:pk>/", v.skp, name="skp"),
    path("skp/<int:pk>/rhk/", v.rhk_add, name="rhk_add"),
    path("skp/<int:pk>/ajukan/", v.skp_submit, name="skp_submit"),
    path("skp/<int:pk>/tinjau/", v.skp_review, name="skp_review"),
    path("skp/<int:pk>/ekspektasi/", v.expectations, name="expectations"),
    path("skp/<int:pk>/dialog/", v.thread_start, name="thread_start"),
    path("skp/<int:pk>/360/", v.peer_request, name="peer_request"),
    path("rhk/<int:pk>/ubah/", v.rhk_edit, name="rhk_edit"),
    path("rhk/<int:pk>/hapus/", v.rhk_delete, name="rhk_delete"),
    path("rhk/<int:pk>/indikator/", v.indicator_add, name="indicator_add"),
    path("indikator/<int:pk>/ubah/", v.indicator_edit, name="indicator_edit"),
    path("indikator/<int:pk>/hapus/", v.indicator_delete, name="indicator_delete"),
    path("indikator/<int:pk>/realisasi/<int:slice_pk>/", v.realisation, name="realisation"),
    path("realisasi/<int:pk>/nilai/", v.realisation_assess, name="realisation_assess"),
    path("realisasi/<int:pk>/bukti/tautan/", v.evidence_link, name="evidence_link"),
    path("realisasi/<int:pk>/bukti/berkas/", v.evidence_file, name="evidence_file"),
    path("bukti/<int:pk>/tarik/", v.evidence_remove, name="evidence_remove"),
    path("bukti/<int:pk>/unduh/", v.evidence_download, name="evidence_download"),
    path("dialog/<int:pk>/", v.thread, name="thread"),
    path("360/", v.peer, name="peer"),
    path("360/<int:pk>/", v.peer_answer, name="peer_answer"),
    path("tim/", v.team, name="team"),
    path("keberatan/", v.decisions, name="decisions"),
    path("skp/<int:pk>/lampiran/", v.annex, name="annex"),
    path("tim/setujui/", v.team_approve, name="team_approve"),
]
