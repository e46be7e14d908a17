from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse

from accounts.permissions import can_read_full_audit, can_verify_audit
from audit.messages import chain_broken, chain_intact
from audit.selectors import audit_chain_verify, events_visible_to


@login_required
def trail(request):
    events = events_visible_to(user=request.user)
    action = request.GET.get("tindakan", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(
        events.only("seq", "created_at", "actor_label", "action", "object_type", "object_repr", "changes", "reason"), 50
    ).get_page(request.GET.get("hal"))
    return TemplateResponse(
        request,
        "audit/trail.html",
        {
            "page": page,
            "full": can_read_full_audit(request.user),
            "action": action,
            "can_verify": can_verify_audit(request.user),
        },
    )


@login_required
def verify(request):
    if not can_verify_audit(request.user):
        raise Http404
    checked, brk = audit_chain_verify()
    message = chain_intact(checked) if brk is None else chain_broken(checked, brk)
    return TemplateResponse(request, "audit/verify.html", {"checked": checked, "break": brk, "message": message})
