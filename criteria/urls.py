"""Criteria pages under /kriteria/: the library, drafting rounds, proposals, votes."""

app_name = "criteria"

urlpatterns: list = []
