"""Criteria pages under /kriteria/: the library, drafting rounds, proposals, votes."""

from django.urls import path

from criteria import views

app_name = "criteria"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.criterion, name="criterion"),
    path("putaran/", views.rounds, name="rounds"),
    path("putaran/baru/", views.round_new, name="round_new"),
    path("putaran/<int:pk>/", views.round_detail, name="round"),
    path("putaran/<int:pk>/usul/", views.propose, name="propose"),
    path("putaran/<int:pk>/tutup/", views.round_close, name="round_close"),
    path("usulan/<int:pk>/", views.proposal, name="proposal"),
    path("usulan/<int:pk>/suara/", views.vote, name="vote"),
    path("usulan/<int:pk>/komentar/", views.comment, name="comment"),
    path("usulan/<int:pk>/putusan/", views.decide, name="decide"),
    path("partisipasi/", views.participation, name="participation"),
]
