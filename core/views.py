from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import user_roles
from criteria.selectors import open_rounds_for
from org.models import Employee, RosterImport
from org.selectors import employee_team, org_health
from performance.selectors import home_tasks
from performance.selectors_eval import predikat_label
from transparency.selectors import latest_own_result


@login_required
def home(request):
    """Beranda: what needs this person now first, then their overview; one section per role held."""
    roles = user_roles(request.user)
    context: dict = {"roles_held": roles}
    employee = None
    if request.user.employee_id:
        employee = (
            Employee.objects.select_related("unit", "position", "penilai", "atasan_penilai")
            .filter(pk=request.user.employee_id)
            .first()
        )
    context["employee"] = employee
    tasks = []
    if employee is not None and not employee.email:
        tasks.append({"text": "no_email"})
    if Role.PENILAI in roles and employee is not None:
        context["team"] = list(employee_team(employee=employee)[:50])
    if Role.ADMIN in roles:
        health = org_health()
        context["health"] = health
        context["recent_imports"] = list(RosterImport.objects.select_related("created_by")[:5])
    context["tasks"] = tasks
    context["perf_tasks"] = home_tasks(user=request.user, today=timezone.localdate())
    context["open_rounds"] = open_rounds_for(employee=employee)
    context["my_result"] = latest_own_result(employee_id=employee.pk if employee else None)
    if context["my_result"] is not None:
        context["my_result_label"] = predikat_label(context["my_result"].predikat)
    return TemplateResponse(request, "core/home.html", context)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
