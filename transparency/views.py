"""The results board (logged in) and the public portal (no login). Thin: parse, ask `permissions`,
call a selector or service, render.

Portal pages are built for shared caches: they never touch the session or the CSRF token (their
template is `public_base.html`, not the site's base), carry `Cache-Control: public, max-age`, an ETag
and Last-Modified from the aggregate snapshot and the recognitions, and answer 304 when unchanged.
"""

import csv
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import condition, require_GET, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from transparency import permissions as perm
from transparency import rules
from transparency import selectors as sel
from transparency.services import ServiceError, recognition_consent_set

PUBLIC_MAX_AGE = 300  # seconds a shared cache may serve a portal page without asking again


# ---------------------------------------------------------------------------------------------
# The results board


@login_required
@require_GET
def board(request):
    if not perm.can_view_board(request.user):
        raise Http404
    periods = sel.board_periods()
    period = sel.period_pick(periods, request.GET.get("periode"))
    can_pick = perm.can_pick_unit(request.user)
    context = sel.board_page(
        user=request.user,
        period=period,
        unit_pk=request.GET.get("unit"),
        page=request.GET.get("hal"),
        can_pick=can_pick,
    )
    context.update(
        {
            "periods": periods,
            "can_pick": can_pick,
            "score_sentence": sel.score_sentence(),
            "percentile_rule": sel.percentile_rule_sentence(),
            "family_rule": sel.family_rule_sentence(),
        }
    )
    return TemplateResponse(request, "transparency/board.html", context)


@login_required
@require_POST
def recognition_consent(request, pk: int):
    recognition = sel.recognition_get_for(user=request.user, pk=pk)
    consent = request.POST.get("izin") == "ya"
    try:
        recognition_consent_set(actor=request.user, recognition=recognition, consent=consent)
    except ServiceError as err:
        messages.error(request, str(err))
    else:
        if consent:
            messages.success(request, _("Izin diberikan: penghargaan ini tampil di portal publik."))
        else:
            messages.success(request, _("Izin ditarik: penghargaan ini tidak lagi tampil di portal publik."))
    return redirect(reverse("transparency:board") + "#penghargaan")


# ---------------------------------------------------------------------------------------------
# The public portal


def _state(request) -> sel.PortalState:
    """The snapshot and recognition stamp, read once per request (the ETag and the page share it)."""
    state = getattr(request, "_portal_state", None)
    if state is None:
        state = sel.portal_state(request.GET.get("periode"))
        request._portal_state = state
    return state


def _etag(request, *args, **kwargs) -> str:
    return _state(request).etag(get_language() or settings.LANGUAGE_CODE)


def _last_modified(request, *args, **kwargs):
    return _state(request).last_modified


def public(view):
    """GET/HEAD only, conditional (ETag, Last-Modified), cacheable by anyone for PUBLIC_MAX_AGE."""

    @functools.wraps(view)
    @vary_on_headers("Accept-Language", "Cookie")
    @cache_control(public=True, max_age=PUBLIC_MAX_AGE)
    @require_safe
    @condition(etag_func=_etag, last_modified_func=_last_modified)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


@public
def portal(request):
    context = sel.portal_page(_state(request))
    return TemplateResponse(request, "transparency/portal.html", context)


@public
def portal_unit(request, unit_pk: int):
    context = sel.portal_unit_page(_state(request), unit_pk)
    return TemplateResponse(request, "transparency/portal_unit.html", context)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


@public
def data_csv(request):
    data = sel.open_data(_state(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="terang-hasil-kinerja-{data["period"].year}.csv"'
    response.write("\ufeff")  # so Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(sel.CSV_COLUMNS)
    for record in data["records"]:
        writer.writerow([_csv_value(record[c]) for c in sel.CSV_COLUMNS])
    return response


@public
def data_json(request):
    data = sel.open_data(_state(request))
    period = data["period"]
    body = {
        "sumber": settings.TERANG_ORGANISATION_NAME,
        "periode": {"nama": period.name, "tahun": period.year, "diumumkan": period.published_on},
        "diperbarui": data["refreshed_at"],
        "ukuran_kelompok_minimum": data["minimum"],
        "keterangan": _(
            "Angka agregat hasil evaluasi kinerja per perangkat daerah. Kelompok yang kurang dari ukuran "
            "minimum, atau yang angkanya dapat dihitung dari total, tidak memuat angka (disembunyikan = true)."
        ),
        "kelompok": data["records"],
        "kriteria_ditetapkan": {str(k): v for k, v in data["criteria"].items()},
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="terang-hasil-kinerja-{period.year}.json"'
    return response


@vary_on_headers("Accept-Language", "Cookie")
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@require_safe
def about_data(request):
    policy = sel.disclosure_policy()
    context = {
        "minimum": rules.public_minimum(policy.min_group_size),
        "max_age_minutes": PUBLIC_MAX_AGE // 60,
    }
    return TemplateResponse(request, "transparency/about_data.html", context)


@never_cache
@require_GET
def portal_language(request):
    """Switch the portal's language without a form (the portal pages carry no CSRF token)."""
    code = request.GET.get("ke", "")
    target = request.GET.get("lanjut") or reverse("transparency:portal")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("transparency:portal")
    response = redirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response
