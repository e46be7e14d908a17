"""Pages of the performance cycle, under /kinerja/. Planning and doing pages, then evaluation pages."""

from performance import urls_eval, urls_plan

app_name = "performance"

urlpatterns = [*urls_plan.urlpatterns, *urls_eval.urlpatterns]
