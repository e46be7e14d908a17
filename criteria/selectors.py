"""Every read the criteria pages (and the public portal) need, with their joins done up front.

Query counts do not grow with the library, a round or the organisation: lists are read in one query
each, tallies are counted by the database, and subtree sums are added up along the `path` of each
unit. The `*_get_for` functions are the only doors to one round or proposal: each answers 404
alike for a record that does not exist and for one the user may not see.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria import permissions as perm
from criteria import rules
from criteria.models import (
    Comment,
    Criterion,
    CriterionKind,
    CriterionVersion,
    Proposal,
    ProposalStatus,
    Round,
    RoundStatus,
    VersionFields,
    VersionStatus,
    Vote,
)
from org.models import Employee, Position, PositionKind, Unit
from performance.models import Aspect, IndicatorKind, Period
from performance.rules import BERAKHLAK

LIBRARY_PAGE_SIZE = 30
VALUE_NAMES = {code: name for code, name, _lines in BERAKHLAK}
VALUE_LINES = {code: lines for code, _name, lines in BERAKHLAK}
_CHOICE_LABELS = {"aspect": dict(Aspect.choices), "indicator_kind": dict(IndicatorKind.choices)}
HASIL_KERJA_DIFF_FIELDS = ("text", "measure_unit", "measurement", "evidence", "aspect", "indicator_kind")
PERILAKU_DIFF_FIELDS = ("text", "example_below", "example_meets", "example_above", "measurement", "evidence")


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def scope_label(unit_name: str, position_family: str, position_kind: str) -> str:
    """Where a criterion applies, in words: "Dinas Kominfo · Pranata Komputer"."""
    parts = [unit_name]
    if position_family:
        parts.append(position_family)
    if position_kind:
        parts.append(str(PositionKind(position_kind).label))
    return " · ".join(parts)


# ---------------------------------------------------------------------------------------------
# Diffs between versions


@dataclass
class FieldDiff:
    name: str
    label: str
    pieces: list[tuple[str, str]]
    changed: bool


def _field_text(obj: VersionFields | dict | None, name: str) -> str:
    if obj is None:
        return ""
    raw = obj.get(name, "") if isinstance(obj, dict) else getattr(obj, name)
    return str(_CHOICE_LABELS.get(name, {}).get(raw, raw) or "")


def version_diff(old: VersionFields | dict | None, new: VersionFields | dict, *, kind: str) -> list[FieldDiff]:
    """The readable change of each field from `old` (None for a first version) to `new`.

    Choice fields (aspect, cara ukur) are compared by their labels; fields that do not belong to
    the criterion's kind (the level examples of an indicator, the unit of a rubric) are left out.
    """
    names = PERILAKU_DIFF_FIELDS if kind == CriterionKind.PERILAKU else HASIL_KERJA_DIFF_FIELDS
    out = []
    for name in names:
        before, after = _field_text(old, name), _field_text(new, name)
        if not before and not after:
            continue
        pieces = [(str(op), text) for op, text in rules.word_diff(before, after)]
        label = str(CriterionVersion._meta.get_field(name).verbose_name)
        out.append(FieldDiff(name=name, label=label, pieces=pieces, changed=before != after))
    return out


# ---------------------------------------------------------------------------------------------
# The library


def _adopted_versions() -> QuerySet[CriterionVersion]:
    return CriterionVersion.objects.filter(status=VersionStatus.ADOPTED)


def applicable_q(employee: Employee, prefix: str = "") -> Q:
    """Criteria that apply to an employee: owned by their unit or a unit above it, and (where a
    criterion is narrowed) matching their position family and kind. `prefix` reaches the criterion."""
    family = rules.position_family(employee.position.name)
    return (
        Q(**{f"{prefix}unit_id__in": employee.unit.ancestor_ids()})
        & (Q(**{f"{prefix}position_family": ""}) | Q(**{f"{prefix}position_family__iexact": family}))
        & (Q(**{f"{prefix}position_kind": ""}) | Q(**{f"{prefix}position_kind": employee.position.kind}))
    )


def library_versions_for(*, employee: Employee) -> list[CriterionVersion]:
    """Adopted work-result indicators an employee may take into their SKP (one query).

    Reads `employee.unit` and `employee.position`: select them with the employee to save two queries.
    """
    return list(
        _adopted_versions()
        .filter(applicable_q(employee, "criterion__"), criterion__kind=CriterionKind.HASIL_KERJA)
        .select_related("criterion__unit")
        .order_by("criterion__unit__path", "criterion__title", "criterion_id")
    )


def version_applies_to(*, version_id: int, employee: Employee) -> bool:
    """Whether a version is an adopted work-result indicator published for the employee (one query).

    Reads `employee.unit` and `employee.position`: select them with the employee to save two queries.
    """
    return (
        _adopted_versions()
        .filter(pk=version_id, criterion__kind=CriterionKind.HASIL_KERJA)
        .filter(applicable_q(employee, "criterion__"))
        .exists()
    )


@dataclass
class LibraryEntry:
    criterion: Criterion
    current: CriterionVersion
    history: list[CriterionVersion]
    scope: str
    value_name: str = ""
    value_lines: tuple = ()


@dataclass
class LibraryPage:
    page: Page
    entries: list[LibraryEntry]
    units: list[Unit]
    families: list[str]
    values: list[dict]
    filters: dict
    is_employee: bool


def library_page(
    *,
    user,
    q: str = "",
    unit_id: int | None = None,
    family: str = "",
    kind: str = "",
    value: str = "",
    mine: bool = False,
    page_number: Any = 1,
) -> LibraryPage:
    """The published library, filtered and searched, one page of criteria with their history."""
    criteria = Criterion.objects.select_related("unit")
    q = q.strip()
    if q:
        text_hit = _adopted_versions().filter(criterion=OuterRef("pk"), text__icontains=q)
        criteria = criteria.filter(Q(title__icontains=q) | Q(Exists(text_hit)))
    if unit_id:
        criteria = criteria.filter(unit_id=unit_id)
    if family:
        criteria = criteria.filter(position_family__iexact=family)
    if kind in CriterionKind.values:
        criteria = criteria.filter(kind=kind)
    if value in VALUE_NAMES:
        criteria = criteria.filter(value=value)
    employee = perm.employee_of(user)
    if mine and employee is not None:
        criteria = criteria.filter(applicable_q(employee))
    criteria = criteria.order_by("kind", "unit__path", "position_family", "title", "id").prefetch_related(
        Prefetch(
            "versions",
            queryset=CriterionVersion.objects.select_related("adopted_by").order_by("-number"),
            to_attr="history",
        )
    )
    page = Paginator(criteria, LIBRARY_PAGE_SIZE).get_page(page_number)
    entries = []
    for c in page.object_list:
        current = next((v for v in c.history if v.status == VersionStatus.ADOPTED), c.history[0])
        entries.append(
            LibraryEntry(
                criterion=c,
                current=current,
                history=c.history,
                scope=scope_label(c.unit.name, c.position_family, c.position_kind),
                value_name=VALUE_NAMES.get(c.value, ""),
                value_lines=VALUE_LINES.get(c.value, ()),
            )
        )
    rubric_counts = dict(
        Criterion.objects.filter(kind=CriterionKind.PERILAKU).order_by().values_list("value").annotate(n=Count("id"))
    )
    values = [
        {"code": code, "name": name, "lines": lines, "rubrics": rubric_counts.get(code, 0)}
        for code, name, lines in BERAKHLAK
    ]
    return LibraryPage(
        page=page,
        entries=entries,
        units=list(Unit.objects.filter(pk__in=Criterion.objects.values("unit_id")).order_by("path")),
        families=list(
            Criterion.objects.exclude(position_family="")
            .order_by("position_family")
            .values_list("position_family", flat=True)
            .distinct()
        ),
        values=values,
        filters={"q": q, "unit": unit_id, "family": family, "kind": kind, "value": value, "mine": mine},
        is_employee=employee is not None,
    )


@dataclass
class VersionRow:
    version: CriterionVersion
    diff: list[FieldDiff]
    round_visible: bool


@dataclass
class CriterionPage:
    criterion: Criterion
    current: CriterionVersion
    rows: list[VersionRow]
    scope: str
    value_name: str
    value_lines: tuple
    open_rounds: list[Round]


def criterion_page(*, user, pk) -> CriterionPage:
    """One criterion with every version, newest first, each with its change from the one before."""
    criterion = Criterion.objects.select_related("unit").filter(pk=pk).first()
    if criterion is None:
        raise Http404
    versions = list(
        criterion.versions.select_related("adopted_by", "round__unit", "proposal__proposer").order_by("number")
    )
    if not versions:
        raise Http404
    rows = []
    previous = None
    for v in versions:
        rows.append(
            VersionRow(
                version=v,
                diff=version_diff(previous, v, kind=criterion.kind),
                round_visible=perm.can_view_round(user, v.round),
            )
        )
        previous = v
    rows.reverse()
    current = next((v for v in versions if v.status == VersionStatus.ADOPTED), versions[-1])
    open_rounds = []
    if perm.employee_of(user) is not None:
        # Rounds open now where this user may propose a change of this criterion.
        now = timezone.now()
        open_rounds = [
            r
            for r in Round.objects.select_related("unit").filter(
                status=RoundStatus.OPEN,
                opens_at__lte=now,
                closes_at__gt=now,
                unit_id__in=criterion.unit.ancestor_ids(),
            )
            if perm.can_take_part(user, r)
        ]
    return CriterionPage(
        criterion=criterion,
        current=current,
        rows=rows,
        scope=scope_label(criterion.unit.name, criterion.position_family, criterion.position_kind),
        value_name=VALUE_NAMES.get(criterion.value, ""),
        value_lines=VALUE_LINES.get(criterion.value, ()),
        open_rounds=open_rounds,
    )


# ---------------------------------------------------------------------------------------------
# Rounds


def round_get_for(*, user, pk) -> Round:
    round_ = Round.objects.select_related("unit", "period", "created_by", "closed_by").filter(pk=pk).first()
    if round_ is None or not perm.can_view_round(user, round_):
        raise Http404
    return round_


def proposal_get_for(*, user, pk) -> Proposal:
    proposal = (
        Proposal.objects.select_related(
            "round__unit",
            "round__period",
            "proposer__position",
            "scope_unit",
            "decided_by",
            "base_version__criterion",
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not perm.can_view_round(user, proposal.round):
        raise Http404
    return proposal


@dataclass
class RoundsPage:
    open: list[Round]
    scheduled: list[Round]
    closed: list[Round]
    can_open: bool


def rounds_page(*, user, closed_limit: int = 50) -> RoundsPage:
    """The rounds a user may read: open ones first, then scheduled, then the latest closed."""
    scope = perm.rounds_scope_q(user)
    rounds = Round.objects.select_related("unit", "period").annotate(n_proposals=Count("proposals", distinct=True))
    if scope is not None:
        rounds = rounds.filter(scope)
    now = timezone.now()
    live = list(rounds.filter(status=RoundStatus.OPEN, closes_at__gt=now).order_by("closes_at", "id"))
    closed = list(
        rounds.filter(Q(status=RoundStatus.CLOSED) | Q(closes_at__lte=now)).order_by("-closes_at", "-id")[:closed_limit]
    )
    return RoundsPage(
        open=[r for r in live if r.opens_at <= now],
        scheduled=[r for r in live if r.opens_at > now],
        closed=closed,
        can_open=perm.can_open_any_round(user),
    )


def units_for_new_round(*, user) -> list[Unit]:
    scope = perm.units_user_may_open_for_q(user)
    units = Unit.objects.order_by("path")
    return list(units if scope is None else units.filter(scope))


def open_periods() -> list[Period]:
    return list(Period.objects.exclude(status="closed").order_by("-year", "name"))


def periods_all() -> list[Period]:
    return list(Period.objects.order_by("-year", "name"))


@dataclass
class ProposalRow:
    proposal: Proposal
    tally: rules.Tally
    my_vote: int | None
    comments: list[Comment]
    # Set by the view: a refusal, the comment typed before it, or a confirmation.
    error: str = ""
    comment_body: str = ""
    notice: str = ""


@dataclass
class RoundPage:
    round: Round
    state: rules.RoundState
    rows: list[ProposalRow]
    can_take_part: bool
    can_decide: bool
    can_close: bool
    changeable: list[CriterionVersion]
    units: list[Unit]
    families: list[str]
    members: int
    participants: int
    base: CriterionVersion | None = None
    forms: dict = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.state == rules.RoundState.OPEN

    @property
    def waiting(self) -> int:
        return sum(1 for r in self.rows if r.proposal.status == ProposalStatus.OPEN)


def _tallies(proposal_filter: Q) -> dict[int, rules.Tally]:
    rows = (
        Vote.objects.filter(proposal_filter)
        .values("proposal_id")
        .annotate(up=Count("id", filter=Q(value=1)), down=Count("id", filter=Q(value=-1)))
    )
    return {r["proposal_id"]: rules.Tally(up=r["up"], down=r["down"]) for r in rows}


def _my_votes(user, proposal_filter: Q) -> dict[int, int]:
    eid = getattr(user, "employee_id", None)
    if eid is None:
        return {}
    return dict(Vote.objects.filter(proposal_filter, voter_id=eid).values_list("proposal_id", "value"))


def _comments_prefetch() -> Prefetch:
    return Prefetch("comments", queryset=Comment.objects.select_related("author__position").order_by("created_at"))


def round_page(*, user, round_: Round, base_version_id: Any = None) -> RoundPage:
    """A round with its proposals, tallies, the viewer's votes, the comment threads, and what the
    propose form offers (units, position families, criteria whose wording may be changed)."""
    proposals = list(
        round_.proposals.select_related("proposer__position", "base_version", "scope_unit", "decided_by")
        .prefetch_related(_comments_prefetch())
        .order_by("created_at", "id")
    )
    in_round = Q(proposal__round_id=round_.pk)
    tallies, mine = _tallies(in_round), _my_votes(user, in_round)
    rows = [
        ProposalRow(
            proposal=p,
            tally=tallies.get(p.pk, rules.Tally(0, 0)),
            my_vote=mine.get(p.pk),
            comments=list(p.comments.all()),
        )
        for p in proposals
    ]
    state = round_.state()
    take_part = perm.can_take_part(user, round_)
    changeable, units, families, base = [], [], [], None
    if take_part and state == rules.RoundState.OPEN:
        changeable = list(
            _adopted_versions()
            .filter(criterion__unit__path__startswith=round_.unit.path)
            .select_related("criterion__unit")
            .order_by("criterion__kind", "criterion__unit__path", "criterion__title")
        )
        base = next((v for v in changeable if str(v.pk) == str(base_version_id)), None)
        units = list(Unit.objects.filter(path__startswith=round_.unit.path).order_by("path"))
        families = position_families_in(unit=round_.unit)
    members = Employee.objects.active().in_unit_tree(round_.unit).count()
    participants = round_participants(round_ids=[round_.pk])
    return RoundPage(
        round=round_,
        state=state,
        rows=rows,
        can_take_part=take_part,
        can_decide=perm.can_decide(user, round_),
        can_close=perm.can_close_round(user, round_) and round_.status == RoundStatus.OPEN,
        changeable=changeable,
        units=units,
        families=families,
        members=members,
        participants=participants,
        base=base,
    )


def position_families_in(*, unit: Unit) -> list[str]:
    """The position families held in a unit's subtree ("Pranata Komputer", "Pengolah Data")."""
    names = (
        Position.objects.filter(unit__path__startswith=unit.path).order_by().values_list("name", flat=True).distinct()
    )
    return sorted({rules.position_family(n) for n in names} - {""}, key=str.casefold)


def round_participants(*, round_ids: list[int]) -> int:
    """How many distinct people proposed, commented or voted in these rounds (one query)."""
    proposers = Proposal.objects.filter(round_id__in=round_ids).order_by().values("proposer_id")
    commenters = Comment.objects.filter(proposal__round_id__in=round_ids).order_by().values("author_id")
    voters = Vote.objects.filter(proposal__round_id__in=round_ids).order_by().values("voter_id")
    # UNION (not UNION ALL) keeps each person once.
    return proposers.union(commenters, voters).count()


@dataclass
class ProposalPage:
    proposal: Proposal
    row: ProposalRow
    diff: list[FieldDiff]
    state: rules.RoundState
    can_take_part: bool
    can_decide: bool
    base_is_current: bool
    adopted_version: CriterionVersion | None
    forms: dict = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.state == rules.RoundState.OPEN


def proposal_page(*, user, proposal: Proposal) -> ProposalPage:
    """A proposal with its diff against the version it changes (or its whole text if new)."""
    comments = list(proposal.comments.select_related("author__position").order_by("created_at", "id"))
    only = Q(proposal_id=proposal.pk)
    tally = _tallies(only).get(proposal.pk, rules.Tally(0, 0))
    row = ProposalRow(proposal=proposal, tally=tally, my_vote=_my_votes(user, only).get(proposal.pk), comments=comments)
    base = proposal.base_version
    adopted = CriterionVersion.objects.filter(proposal=proposal).select_related("criterion").first()
    return ProposalPage(
        proposal=proposal,
        row=row,
        diff=version_diff(base, proposal, kind=proposal.criterion_kind),
        state=proposal.round.state(),
        can_take_part=perm.can_take_part(user, proposal.round),
        can_decide=perm.can_decide(user, proposal.round),
        base_is_current=base is None or base.status == VersionStatus.ADOPTED,
        adopted_version=adopted,
    )


# ---------------------------------------------------------------------------------------------
# Participation and the public portal (plain dicts: the transparency app reads these)


def _period_id(period) -> int | None:
    if period is None or period == "":
        return None
    return period.pk if isinstance(period, Period) else int(period)


def participation_by_unit(
    period: Period | int | None = None, unit_ids=None, *, scope_path: str | None = None
) -> list[dict]:
    """Who took part in drafting criteria, per unit, in six queries whatever the organisation's size.

    One row per unit that held a round in `period` (all periods when None) and per unit above it,
    or per unit in `unit_ids` when given. Each row counts, in the unit's whole subtree: the active
    employees, and how many of them proposed, commented, voted, or did any of these (`participants`)
    in any round of the period, and the rounds held there. `share` is participants / employees
    (None for a unit without employees). `scope_path` keeps only units in that subtree.
    """
    period_id = _period_id(period)
    rounds = Round.objects.all()
    if period_id is not None:
        rounds = rounds.filter(period_id=period_id)
    round_paths = list(rounds.values_list("unit__path", flat=True))
    if unit_ids is None:
        wanted = {uid for path in round_paths for uid in _path_ids(path)}
    else:
        wanted = {int(u) for u in unit_ids}
    units = list(Unit.objects.filter(pk__in=wanted).order_by("path"))
    if scope_path is not None:
        units = [u for u in units if u.path.startswith(scope_path)]
    if not units:
        return []
    by_id = {u.pk: u for u in units}
    # The smallest set of subtrees that covers every wanted unit, to bound the employee count.
    roots: list[str] = []
    for u in units:
        if not any(u.path.startswith(r) for r in roots):
            roots.append(u.path)
    under = Q()
    for r in roots:
        under |= Q(unit__path__startswith=r)

    def add_up(pairs, target: dict) -> None:
        for key, path in pairs:
            for uid in _path_ids(path):
                if uid in by_id:
                    target[uid].add(key)

    employees: dict[int, int] = defaultdict(int)
    counts = Employee.objects.active().filter(under).order_by().values_list("unit__path").annotate(n=Count("id"))
    for path, n in counts:
        for uid in _path_ids(path):
            if uid in by_id:
                employees[uid] += n
    in_period = Q(round__period_id=period_id) if period_id is not None else Q()
    active_under = Q(is_active=True) & under
    people = {
        "proposers": Proposal.objects.filter(in_period)
        .filter(proposer__in=Employee.objects.filter(active_under))
        .values_list("proposer_id", "proposer__unit__path"),
        "commenters": Comment.objects.filter(
            Q(proposal__round__period_id=period_id) if period_id is not None else Q(),
            author__in=Employee.objects.filter(active_under),
        ).values_list("author_id", "author__unit__path"),
        "voters": Vote.objects.filter(
            Q(proposal__round__period_id=period_id) if period_id is not None else Q(),
            voter__in=Employee.objects.filter(active_under),
        ).values_list("voter_id", "voter__unit__path"),
    }
    sets = {name: defaultdict(set) for name in people}
    for name, qs in people.items():
        add_up(qs.order_by().distinct(), sets[name])
    held: dict[int, int] = defaultdict(int)
    for path in round_paths:
        for uid in _path_ids(path):
            if uid in by_id:
                held[uid] += 1
    rows = []
    for u in units:
        everyone = sets["proposers"][u.pk] | sets["commenters"][u.pk] | sets["voters"][u.pk]
        rows.append(
            {
                "unit_id": u.pk,
                "unit_name": u.name,
                "unit_kind": u.kind,
                "unit_path": u.path,
                "parent_id": u.parent_id,
                "depth": u.depth,
                "rounds": held[u.pk],
                "employees": employees[u.pk],
                "proposers": len(sets["proposers"][u.pk]),
                "commenters": len(sets["commenters"][u.pk]),
                "voters": len(sets["voters"][u.pk]),
                "participants": len(everyone),
                "share": rules.share(len(everyone), employees[u.pk]),
            }
        )
    return rows


def adopted_criteria(unit_ids=None) -> list[dict]:
    """The published library as plain data: every adopted version, with where it applies.

    With `unit_ids`, only criteria owned by those units or by units below them. No personal data:
    who proposed and who adopted are left out; the adoption reason is the unit's public reasoning.
    """
    versions = _adopted_versions().select_related("criterion__unit")
    if unit_ids is not None:
        paths = list(Unit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True))
        under = Q(pk__in=[])
        for p in paths:
            under |= Q(criterion__unit__path__startswith=p)
        versions = versions.filter(under)
    versions = versions.order_by("criterion__unit__path", "criterion__kind", "criterion__title", "criterion_id")
    out = []
    for v in versions:
        c = v.criterion
        out.append(
            {
                "criterion_id": c.pk,
                "title": c.title,
                "kind": c.kind,
                "kind_label": str(CriterionKind(c.kind).label),
                "value": c.value,
                "value_name": VALUE_NAMES.get(c.value, ""),
                "unit_id": c.unit_id,
                "unit_name": c.unit.name,
                "unit_path": c.unit.path,
                "position_family": c.position_family,
                "position_kind": c.position_kind,
                "scope": scope_label(c.unit.name, c.position_family, c.position_kind),
                "version": v.number,
                "text": v.text,
                "measure_unit": v.measure_unit,
                "measurement": v.measurement,
                "evidence": v.evidence,
                "aspect": v.aspect,
                "indicator_kind": v.indicator_kind,
                "examples": {"DI_BAWAH": v.example_below, "SESUAI": v.example_meets, "DI_ATAS": v.example_above}
                if c.kind == CriterionKind.PERILAKU
                else {},
                "adopted_at": v.adopted_at,
                "adoption_reason": v.adoption_reason,
            }
        )
    return out


def round_status_label(state: rules.RoundState) -> str:
    return {
        rules.RoundState.OPEN: _("Terbuka"),
        rules.RoundState.SCHEDULED: _("Terjadwal"),
        rules.RoundState.CLOSED: _("Ditutup"),
    }[state]


def open_rounds_for(*, employee) -> int:
    """How many drafting rounds are open now for the employee's unit or a unit above it (one query)."""
    if employee is None:
        return 0
    now = timezone.now()
    return Round.objects.filter(
        unit_id__in=employee.unit.ancestor_ids(), status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gt=now
    ).count()
