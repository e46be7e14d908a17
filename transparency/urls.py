"""The results board (/papan/, logged in) and the public portal (/publik/, no login)."""

app_name = "transparency"

urlpatterns: list = []
