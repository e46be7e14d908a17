"""The results board (/papan/, logged in) and the public portal (/publik/, no login)."""

from django.urls import path

from transparency import views

app_name = "transparency"

urlpatterns = [
    path("papan/", views.board, name="board"),
    path("papan/penghargaan/<int:pk>/izin/", views.recognition_consent, name="recognition_consent"),
    path("publik/", views.portal, name="portal"),
    path("publik/unit/<int:unit_pk>/", views.portal_unit, name="portal_unit"),
    path("publik/data.csv", views.data_csv, name="data_csv"),
    path("publik/data.json", views.data_json, name="data_json"),
    path("publik/tentang-data/", views.about_data, name="about_data"),
    path("publik/bahasa/", views.portal_language, name="portal_language"),
]
