"""Fairness pages under /keadilan/: rater reports, analyses, conflicts of interest, calibration."""

app_name = "fairness"

urlpatterns: list = []
