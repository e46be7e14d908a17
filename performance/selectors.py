"""Every read the planning and doing pages need, with its joins done up front (no N+1).

The `*_get_for` functions are the only doors to one object: each answers 404 alike for a record
that does not exist and for one the user may not see, so a page never reveals what exists.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404

from accounts.models import Role
from accounts.permissions import has_role
from org.models import Employee
from performance import permissions as perm
from performance import rules
from performance.models import (
    EvaluationStatus,
    Evidence,
    Indicator,
    Level,
    Message,
    Notification,
    Objection,
    ObjectionStatus,
    PeerRequest,
    Period,
    PeriodStatus,
    Realisation,
    Rhk,
    RhkKind,
    Skp,
    SkpStatus,
    SkpVersion,
    Slice,
    Thread,
)
from performance.selectors_eval import level_label
from performance.selectors_eval import period_get as period_get  # one door to a period, for both page sets
from performance.services import achievements, peer_summary

# The SKP fields every permission check reads, fetched with the SKP itself.
_SKP_JOINS = ("period", "unit", "employee", "evaluation")


def _rhk_order() -> QuerySet[Rhk]:
    """RHK in reading order: UTAMA before TAMBAHAN, then as the employee arranged them."""
    kind_rank = Case(When(kind=RhkKind.UTAMA, then=Value(0)), default=Value(1), output_field=IntegerField())
    return Rhk.objects.annotate(kind_rank=kind_rank).order_by("kind_rank", "order", "id")


def _visible_skp_or_404(user, skp: Skp | None) -> Skp:
    if skp is None or not perm.can_view_skp(user, skp):
        raise Http404
    return skp


# ---------------------------------------------------------------------------------------------
# Periods


def current_period() -> Period | None:
    """The period people work in now: the latest one that is not closed."""
    return Period.objects.exclude(status=PeriodStatus.CLOSED).order_by("-year", "-created_at").first()


def slice_at(slices: list[Slice], today: date) -> Slice | None:
    """The periodic evaluation that contains `today`, if any."""
    return next((s for s in slices if s.start <= today <= s.end), None)


def last_ended_slice(slices: list[Slice], today: date) -> Slice | None:
    """The most recent periodic evaluation that has ended by `today`, if any."""
    ended = [s for s in slices if s.end < today]
    return ended[-1] if ended else None


# ---------------------------------------------------------------------------------------------
# Scoped doors to one object


def skp_get_for(*, user, pk) -> Skp:
    skp = Skp.objects.select_related(*_SKP_JOINS).filter(pk=pk).first()
    return _visible_skp_or_404(user, skp)


def rhk_get_for(*, user, pk) -> Rhk:
    rhk = Rhk.objects.select_related(*(f"skp__{j}" for j in _SKP_JOINS)).filter(pk=pk).first()
    _visible_skp_or_404(user, rhk.skp if rhk else None)
    return rhk


def indicator_get_for(*, user, pk) -> Indicator:
    indicator = Indicator.objects.select_related(*(f"rhk__skp__{j}" for j in _SKP_JOINS)).filter(pk=pk).first()
    _visible_skp_or_404(user, indicator.rhk.skp if indicator else None)
    return indicator


def realisation_get_for(*, user, pk) -> Realisation:
    realisation = (
        Realisation.objects.select_related("slice", *(f"indicator__rhk__skp__{j}" for j in _SKP_JOINS))
        .filter(pk=pk)
        .first()
    )
    _visible_skp_or_404(user, realisation.indicator.rhk.skp if realisation else None)
    return realisation


def evidence_get_for(*, user, pk) -> Evidence:
    evidence = (
        Evidence.objects.select_related(
            "realisation__slice", *(f"realisation__indicator__rhk__skp__{j}" for j in _SKP_JOINS)
        )
        .filter(pk=pk)
        .first()
    )
    _visible_skp_or_404(user, evidence.realisation.indicator.rhk.skp if evidence else None)
    return evidence


def slice_get(*, period_id: int, pk) -> Slice:
    slice_ = Slice.objects.filter(pk=pk, period_id=period_id).first()
    if slice_ is None:
        raise Http404
    return slice_


def rhk_in_skp(*, skp: Skp, pk) -> Rhk:
    rhk = Rhk.objects.filter(pk=pk, skp=skp).first()
    if rhk is None:
        raise Http404
    return rhk


def skp_version_now(*, pk: int) -> int:
    """The SKP's version as stored now (after a refused save, the form is re-armed with it)."""
    return Skp.objects.values_list("version", flat=True).get(pk=pk)


# ---------------------------------------------------------------------------------------------
# The SKP page


@dataclass
class Cell:
    """One indicator in one periodic evaluation: the realisation, its evidence, and the forms' state."""

    indicator: Indicator
    slice: Slice
    realisation: Realisation | None
    evidence: list[Evidence]
    is_current: bool = False
    # Set by the view: one-time form tokens, and the typed values and message of a refused form.
    link_token: str = ""
    file_token: str = ""
    failed_form: str = ""
    error: str = ""
    values: dict = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"cell-{self.indicator.pk}-{self.slice.pk}"


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[Cell]
    result: rules.IndicatorResult
    edit_form: Any = None
    open: bool = False
    error: str = ""

    @property
    def level_label(self) -> str:
        return level_label(self.result.level)


@dataclass
class RhkCard:
    rhk: Rhk
    indicators: list[IndicatorRow]
    threads: list[Thread]
    result: rules.IndicatorResult
    edit_form: Any = None
    indicator_form: Any = None
    thread_form: Any = None
    open: str = ""
    error: str = ""

    @property
    def level_label(self) -> str:
        return level_label(self.result.level)


@dataclass
class ValueRow:
    """A BerAKHLAK value with its three guidance lines, the leader's expectation and its dialog threads."""

    code: str
    name: str
    lines: tuple[str, str, str]
    expectation: str
    threads: list[Thread]
    field: Any = None


@dataclass
class SkpPage:
    skp: Skp
    slices: list[Slice]
    current_slice: Slice | None
    rhks: list[RhkCard]
    values: list[ValueRow]
    versions: list[SkpVersion]
    suggestion: Any
    peer: dict
    peer_asked: list[PeerRequest]
    can_edit: bool
    can_review: bool
    can_record: bool
    can_assess: bool
    can_set_expectations: bool
    can_talk: bool
    can_request_peer: bool
    is_employee: bool
    evaluation_visible: bool = False
    show_realisations: bool = False
    peer_rows: list[dict] = field(default_factory=list)
    parent_choices: list[tuple[int, str]] = field(default_factory=list)
    peer_candidates: list[Employee] = field(default_factory=list)
    # Set by the view.
    forms: dict = field(default_factory=dict)

    @property
    def level_choices(self) -> list[tuple[str, str]]:
        return Level.choices

    def cell(self, indicator_id: int, slice_id: int) -> Cell | None:
        for card in self.rhks:
            for row in card.indicators:
                if row.indicator.pk == indicator_id:
                    return next((c for c in row.cells if c.slice.pk == slice_id), None)
        return None


def skp_page(*, user, pk, today: date) -> SkpPage:
    """The SKP with everything its page shows, in a number of queries that does not grow with its size."""
    skp = Skp.objects.select_related(*_SKP_JOINS, "employee__position", "penilai", "atasan_penilai").filter(pk=pk)
    skp = _visible_skp_or_404(user, skp.first())
    prefetch_related_objects(
        [skp],
        Prefetch("rhks", queryset=_rhk_order().select_related("parent")),
        Prefetch("rhks__indicators", queryset=Indicator.objects.select_related("criterion_version")),
        "rhks__indicators__realisations",
        Prefetch("rhks__indicators__realisations__evidence", queryset=Evidence.objects.select_related("uploaded_by")),
        "expectations",
        Prefetch(
            "versions", queryset=SkpVersion.objects.select_related("created_by").defer("content").order_by("-number")
        ),
        Prefetch("peer_requests", queryset=PeerRequest.objects.select_related("respondent").order_by("created_at")),
        Prefetch(
            "threads",
            queryset=Thread.objects.annotate(n_messages=Count("messages")).order_by("-last_message_at"),
        ),
    )
    slices = list(Slice.objects.filter(period_id=skp.period_id).order_by("start"))
    current = slice_at(slices, today)
    computed = achievements(skp)
    threads = list(skp.threads.all())
    cards = []
    for item in computed["rhk"]:
        rhk = item["rhk"]
        rows = []
        for ind in item["indicators"]:
            indicator = ind["indicator"]
            by_slice = {r.slice_id: r for r in indicator.realisations.all()}
            cells = [
                Cell(
                    indicator=indicator,
                    slice=s,
                    realisation=by_slice.get(s.pk),
                    evidence=list(by_slice[s.pk].evidence.all()) if s.pk in by_slice else [],
                    is_current=current is not None and s.pk == current.pk,
                )
                for s in slices
            ]
            rows.append(IndicatorRow(indicator=indicator, cells=cells, result=ind["result"]))
        cards.append(
            RhkCard(
                rhk=rhk,
                indicators=rows,
                threads=[t for t in threads if t.rhk_id == rhk.pk],
                result=item["result"],
            )
        )
    expectations = {e.value: e.text for e in skp.expectations.all()}
    values = [
        ValueRow(
            code=code,
            name=name,
            lines=lines,
            expectation=expectations.get(code, ""),
            threads=[t for t in threads if t.value == code],
        )
        for code, name, lines in rules.BERAKHLAK
    ]
    eid = getattr(user, "employee_id", None)
    page = SkpPage(
        skp=skp,
        slices=slices,
        current_slice=current,
        rhks=cards,
        values=values,
        versions=list(skp.versions.all()),
        suggestion=computed["suggestion"],
        peer=peer_summary(skp),
        peer_asked=[],
        can_edit=perm.can_edit_skp(user, skp),
        can_review=perm.can_review_skp(user, skp),
        can_record=perm.can_record_realisation(user, skp),
        can_assess=perm.can_assess(user, skp),
        can_set_expectations=perm.can_set_expectations(user, skp),
        can_talk=perm.can_talk(user, skp),
        can_request_peer=perm.can_request_peer_input(user, skp),
        is_employee=eid is not None and eid == skp.employee_id,
    )
    page.show_realisations = skp.status == SkpStatus.AGREED or any(
        c.realisation for card in cards for row in card.indicators for c in row.cells
    )
    page.evaluation_visible = (
        skp.status == SkpStatus.AGREED
        and perm.can_view_evaluation(user, skp)
        and (
            getattr(skp, "evaluation", None) is not None
            or skp.period.status in (PeriodStatus.EVALUATION, PeriodStatus.PUBLISHED, PeriodStatus.CLOSED)
        )
    )
    if page.peer.get("shown"):
        page.peer_rows = [
            {
                "name": name,
                "consensus": level_label(page.peer["values"][code]["consensus"]),
                "counts": [
                    (level_label(level), page.peer["values"][code]["counts"].get(level, 0))
                    for level in (Level.DI_ATAS, Level.SESUAI, Level.DI_BAWAH)
                ],
            }
            for code, name, _lines in rules.BERAKHLAK
        ]
    if page.can_edit:
        page.parent_choices = parent_rhk_choices(skp=skp)
    if page.can_request_peer:
        # Who was asked is for the one who asks; who answered is never shown to anyone.
        page.peer_asked = list(skp.peer_requests.all())
        page.peer_candidates = list(peer_candidates(skp=skp))
    return page


def parent_rhk_choices(*, skp: Skp) -> list[tuple[int, str]]:
    """The pejabat penilai's RHK of the same period: the ones this SKP's RHK may intervene."""
    if skp.penilai_id is None:
        return []
    rows = (
        _rhk_order()
        .filter(skp__period_id=skp.period_id, skp__employee_id=skp.penilai_id)
        .values_list("pk", "kind", "text")
    )
    return [(pk, f"[{RhkKind(kind).label}] {text[:150]}") for pk, kind, text in rows]


def peer_candidates(*, skp: Skp) -> QuerySet[Employee]:
    """Colleagues who may be asked for 360 input: active employees of the same unit, not the employee."""
    return (
        Employee.objects.filter(unit_id=skp.unit_id, is_active=True)
        .exclude(pk=skp.employee_id)
        .select_related("position")
        .order_by("name")
    )


# ---------------------------------------------------------------------------------------------
# My performance (/kinerja/)


@dataclass
class MyPage:
    employee: Employee
    period: Period | None
    skp: Skp | None
    progress: list[dict]
    has_previous: bool
    can_start: bool
    current_slice: Slice | None
    missing_now: int
    others: list[Skp]
    notifications: list[Notification]
    unread: int
    peer_pending: int
    evaluation_visible: bool


def my_page(*, user, today: date) -> MyPage:
    employee = Employee.objects.select_related("position", "unit", "penilai").get(pk=user.employee_id)
    period = current_period()
    skp = None
    progress: list[dict] = []
    current = None
    missing_now = 0
    if period is not None:
        skp = (
            Skp.objects.select_related("period", "penilai", "evaluation")
            .prefetch_related(
                Prefetch("rhks", queryset=_rhk_order()), "rhks__indicators", "rhks__indicators__realisations"
            )
            .filter(period=period, employee=employee)
            .first()
        )
    if skp is not None:
        computed = achievements(skp)
        slices = list(period.slices.order_by("start"))
        current = slice_at(slices, today)
        for item in computed["rhk"]:
            indicators = [x["indicator"] for x in item["indicators"]]
            result = item["result"]
            progress.append(
                {
                    "rhk": item["rhk"],
                    "indicators": len(indicators),
                    "capaian": result.capaian,
                    "level": level_label(result.level),
                    "bar": min(result.capaian, 100) if result.capaian is not None else 0,
                }
            )
            if current is not None:
                missing_now += sum(
                    1 for i in indicators if not any(r.slice_id == current.pk for r in i.realisations.all())
                )
    has_previous = (
        skp is None
        and period is not None
        and Skp.objects.filter(employee=employee, period__year__lt=period.year).exists()
    )
    others = Skp.objects.filter(employee=employee).select_related("period", "evaluation").order_by("-period__year")
    others = list(others.exclude(pk=skp.pk) if skp else others)
    for other in others:
        other.evaluation_visible = perm.can_view_evaluation(user, other)
    notifications, unread = notifications_for(user=user)
    peer_pending = PeerRequest.objects.filter(respondent=employee, answered_at__isnull=True).count()
    return MyPage(
        employee=employee,
        period=period,
        skp=skp,
        progress=progress,
        has_previous=has_previous,
        can_start=period is not None
        and skp is None
        and period.status in (PeriodStatus.PLANNING, PeriodStatus.DOING)
        and perm.can_plan(user, employee),
        current_slice=current,
        missing_now=missing_now if skp is not None and skp.status == SkpStatus.AGREED else 0,
        others=others,
        notifications=notifications,
        unread=unread,
        peer_pending=peer_pending,
        evaluation_visible=skp is not None and perm.can_view_evaluation(user, skp),
    )


def notifications_for(*, user) -> tuple[list[Notification], int]:
    return (
        list(Notification.objects.filter(recipient=user).order_by("-created_at")[:20]),
        Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )


# ---------------------------------------------------------------------------------------------
# Home page tasks


def home_tasks(*, user, today: date) -> list[dict]:
    """The performance part of "Perlu tindakan Anda": each task with its count, link and deadline."""
    eid = getattr(user, "employee_id", None)
    tasks: list[dict] = []
    deciding = objections_to_decide_q(user)
    if deciding is not None:
        pending = Objection.objects.filter(deciding, status=ObjectionStatus.FILED).count()
        if pending:
            tasks.append({"kind": "objection_review", "count": pending, "url": "/kinerja/keberatan/"})
    if has_role(user, Role.PIMPINAN):
        # Those the Kepala Daerah appraises (heads of perangkat daerah): the pimpinan agrees for them.
        heads = Skp.objects.filter(penilai__isnull=True, status=SkpStatus.SUBMITTED).count()
        if heads:
            tasks.append({"kind": "skp_review_heads", "count": heads, "url": "/kinerja/keberatan/#skp"})
    if eid is None:
        return tasks
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    period = current_period()
    if period is not None:
        skp = Skp.objects.filter(period=period, employee_id=eid).first()
        planning = period.status in (PeriodStatus.PLANNING, PeriodStatus.DOING)
        if skp is None and planning:
            tasks.append(
                {"kind": "skp_start", "period": period, "deadline": period.planning_closes, "url": "/kinerja/"}
            )
        elif skp is not None and planning and skp.status in (SkpStatus.DRAFT, SkpStatus.RETURNED):
            tasks.append(
                {
                    "kind": "skp_returned" if skp.status == SkpStatus.RETURNED else "skp_draft",
                    "period": period,
                    "deadline": period.planning_closes,
                    "url": f"/kinerja/skp/{skp.pk}/",
                }
            )
        elif skp is not None and skp.status == SkpStatus.AGREED and period.status == PeriodStatus.DOING:
            now = Slice.objects.filter(period=period, start__lte=today, end__gte=today).first()
            if now is not None:
                missing = Indicator.objects.filter(rhk__skp=skp).exclude(realisations__slice=now).count()
                if missing:
                    tasks.append(
                        {
                            "kind": "realisation",
                            "count": missing,
                            "slice": now,
                            "deadline": now.end,
                            "url": f"/kinerja/skp/{skp.pk}/",
                        }
                    )
    waiting = Skp.objects.filter(penilai_id=eid, status=SkpStatus.SUBMITTED).count()
    if waiting:
        tasks.append({"kind": "skp_review", "count": waiting, "url": "/kinerja/tim/?status=submitted"})
    peer = PeerRequest.objects.filter(respondent_id=eid, answered_at__isnull=True).count()
    if peer:
        tasks.append({"kind": "peer", "count": peer, "url": "/kinerja/360/"})
    if unread:
        tasks.append({"kind": "notifications", "count": unread, "url": "/kinerja/#notifikasi"})
    return tasks


# ---------------------------------------------------------------------------------------------
# Team (/kinerja/tim/)


TEAM_FILTERS = ("none", *SkpStatus.values)


@dataclass
class TeamRow:
    employee: Employee
    skp: Skp | None
    indicators: int = 0
    realised: int = 0
    last_message_at: Any = None
    evaluation_status: str = ""
    evaluation_label: str = ""
    can_review: bool = False

    @property
    def state(self) -> str:
        return self.skp.status if self.skp else "none"


@dataclass
class TeamPage:
    period: Period | None
    rows: list[TeamRow]
    counts: dict
    status: str
    checked_slice: Slice | None


def team_page(*, user, status: str = "", today: date) -> TeamPage:
    """One row per person the user appraises in the current period; a fixed number of queries for any team."""
    eid = user.employee_id
    period = current_period()
    if period is None:
        return TeamPage(period=None, rows=[], counts={}, status=status, checked_slice=None)
    in_period = Skp.objects.filter(period=period, penilai_id=eid)
    employees = list(
        Employee.objects.filter(Q(penilai_id=eid, is_active=True) | Q(pk__in=in_period.values("employee_id")))
        .select_related("position", "unit")
        .order_by("name", "nip")
    )
    skps = {
        s.employee_id: s
        for s in Skp.objects.filter(period=period, employee__in=[e.pk for e in employees])
        .select_related("period")
        .annotate(evaluation_status=F("evaluation__status"))
    }
    slices = list(period.slices.order_by("start"))
    checked = last_ended_slice(slices, today)
    skp_ids = [s.pk for s in skps.values()]
    indicator_skp = dict(Indicator.objects.filter(rhk__skp_id__in=skp_ids).values_list("id", "rhk__skp_id"))
    indicator_counts = Counter(indicator_skp.values())
    realised_counts: Counter = Counter()
    if checked is not None and indicator_skp:
        # From the team's own indicators through the (indicator, slice) index: the cost follows the
        # team's size, not the size of the organisation's realisation table.
        realised_counts = Counter(
            indicator_skp[i]
            for i in Realisation.objects.filter(indicator_id__in=list(indicator_skp), slice=checked).values_list(
                "indicator_id", flat=True
            )
        )
    last_messages = dict(
        Thread.objects.filter(skp_id__in=skp_ids)
        .values("skp_id")
        .annotate(last=Max("last_message_at"))
        .values_list("skp_id", "last")
    )
    rows = []
    counts: dict[str, int] = dict.fromkeys(TEAM_FILTERS, 0)
    for e in employees:
        skp = skps.get(e.pk)
        row = TeamRow(employee=e, skp=skp)
        if skp is not None:
            row.indicators = indicator_counts.get(skp.pk, 0)
            row.realised = realised_counts.get(skp.pk, 0)
            row.last_message_at = last_messages.get(skp.pk)
            row.evaluation_status = skp.evaluation_status or ""
            if row.evaluation_status in EvaluationStatus.values:
                row.evaluation_label = EvaluationStatus(row.evaluation_status).label
            row.can_review = skp.penilai_id == eid and skp.status == SkpStatus.SUBMITTED
        counts[row.state] += 1
        if not status or row.state == status:
            rows.append(row)
    return TeamPage(period=period, rows=rows, counts=counts, status=status, checked_slice=checked)


def team_skps_for_review(*, user, ids: list[int]) -> list[Skp]:
    """The SKPs among `ids` that wait for this user's agreement (others are simply not returned)."""
    eid = getattr(user, "employee_id", None)
    if eid is None:
        return []
    return list(Skp.objects.filter(pk__in=ids, penilai_id=eid).select_related("employee", "period"))


# ---------------------------------------------------------------------------------------------
# Dialog kinerja


def thread_get_for(*, user, pk) -> Thread:
    thread = (
        Thread.objects.select_related(*(f"skp__{j}" for j in _SKP_JOINS), "skp__penilai", "rhk", "started_by")
        .filter(pk=pk)
        .first()
    )
    _visible_skp_or_404(user, thread.skp if thread else None)
    return thread


def thread_messages(*, thread: Thread) -> list[Message]:
    return list(thread.messages.select_related("author").order_by("created_at", "id"))


# ---------------------------------------------------------------------------------------------
# 360


def peer_requests_to_answer(*, user) -> list[PeerRequest]:
    """Requests addressed to the user: open ones first, then those already answered (final)."""
    eid = getattr(user, "employee_id", None)
    if eid is None:
        return []
    return list(
        PeerRequest.objects.filter(respondent_id=eid)
        .select_related("skp__employee__position", "skp__period")
        .order_by(F("answered_at").desc(nulls_first=True), "-created_at")
    )


def peer_request_get_for_respondent(*, user, pk) -> PeerRequest:
    eid = getattr(user, "employee_id", None)
    request = PeerRequest.objects.filter(pk=pk, respondent_id=eid).first() if eid else None
    if request is None:
        raise Http404
    return request


# ---------------------------------------------------------------------------------------------
# Objections waiting for a decision (/kinerja/keberatan/)


def objections_to_decide_q(user) -> Q | None:
    """The objections a user decides: as the atasan pejabat penilai, or as pimpinan where that is the
    Kepala Daerah (no reviewer on the roster). None when the user decides none."""
    eid = getattr(user, "employee_id", None)
    q = Q(reviewer_id=eid) if eid is not None else None
    if has_role(user, Role.PIMPINAN):
        q = Q(reviewer__isnull=True) if q is None else q | Q(reviewer__isnull=True)
    return q


def decisions_page(*, user) -> dict[str, Any]:
    """Objections to decide (open first, then decided), and for the pimpinan the heads' SKPs to agree."""
    q = objections_to_decide_q(user)
    objections = []
    if q is not None:
        objections = list(
            Objection.objects.filter(q)
            .select_related("evaluation__skp__employee", "evaluation__skp__period")
            .order_by("status", "filed_at")[:200]
        )
    heads = []
    if has_role(user, Role.PIMPINAN):
        heads = list(
            Skp.objects.filter(penilai__isnull=True, status=SkpStatus.SUBMITTED)
            .select_related("employee", "period")
            .order_by("employee__name")[:200]
        )
    return {"objections": objections, "heads": heads}
