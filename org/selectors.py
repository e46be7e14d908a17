"""Every read the organisation pages and API need, with its joins, and the scoped doors to objects."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.permissions import can_view_employee, employee_scope_q
from org.models import Employee, Position, RosterImport, Unit

# Posts whose pejabat penilai is the Kepala Daerah (domain.md §1): no penilai on the roster is expected.
KEPALA_DAERAH_APPRAISES = ["JPT_PRATAMA", "JPT_MADYA", "JPT_UTAMA"]


def _appraised_by_kepala_daerah() -> Q:
    """JPT posts and the heads of perangkat daerah (a Camat, say): the Kepala Daerah appraises them."""
    return Q(position__kind__in=KEPALA_DAERAH_APPRAISES) | Q(position__is_head=True, unit__depth__lte=1)


@dataclass
class TreeNode:
    unit: Unit
    members: int = 0
    total: int = 0
    children: list["TreeNode"] = field(default_factory=list)


def unit_tree() -> list[TreeNode]:
    """The whole organisation tree with head counts, in two queries whatever its size."""
    units = list(Unit.objects.order_by("depth", "name"))
    counts = dict(
        Employee.objects.filter(is_active=True).values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    nodes = {u.pk: TreeNode(unit=u, members=counts.get(u.pk, 0)) for u in units}
    roots = []
    for u in units:
        node = nodes[u.pk]
        if u.parent_id is None or u.parent_id not in nodes:
            roots.append(node)
        else:
            nodes[u.parent_id].children.append(node)

    def total(node: TreeNode) -> int:
        node.total = node.members + sum(total(c) for c in node.children)
        return node.total

    for root in roots:
        total(root)
    return roots


@dataclass
class UnitPage:
    unit: Unit
    ancestors: list[Unit]
    children: list[tuple[Unit, int]]
    head: Employee | None
    members: list[Employee]
    visible_ids: set[int]
    total_in_tree: int


def unit_page(*, user, unit_id: int) -> UnitPage:
    """A unit, its parents, sub-units with head counts and its members: a fixed number of queries."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    ancestors = list(Unit.objects.filter(pk__in=unit.ancestor_ids()[:-1]).order_by("depth"))
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    child_counts: dict[int, int] = defaultdict(int)
    total = 0
    for path, n in (
        Employee.objects.filter(is_active=True, unit__path__startswith=unit.path)
        .values("unit__path")
        .annotate(n=Count("id"))
        .values_list("unit__path", "n")
    ):
        total += n
        for child in children:
            if path.startswith(child.path):
                child_counts[child.pk] += n
    members = list(
        Employee.objects.filter(unit=unit, is_active=True)
        .select_related("position", "unit")
        .order_by("-position__is_head", "name")
    )
    head = next((m for m in members if m.position.is_head), None)
    scope = employee_scope_q(user)
    if scope is None:
        visible = {m.pk for m in members}
    else:
        visible = set(Employee.objects.filter(scope, unit=unit).values_list("pk", flat=True))
    return UnitPage(
        unit=unit,
        ancestors=ancestors,
        children=[(c, child_counts.get(c.pk, 0)) for c in children],
        head=head,
        members=members,
        visible_ids=visible,
        total_in_tree=total,
    )


def employee_get_for(*, user, pk: int) -> Employee:
    """The only door to one employee's full record: 404 alike for missing and for not allowed."""
    employee = (
        Employee.objects.select_related(
            "unit",
            "position",
            "penilai",
            "penilai__position",
            "atasan_penilai",
            "atasan_penilai__position",
            "penilai_override",
            "atasan_penilai_override",
        )
        .filter(pk=pk)
        .first()
    )
    if employee is None or not can_view_employee(user, employee):
        raise Http404
    return employee


def employees_visible_to(*, user) -> QuerySet[Employee]:
    qs = Employee.objects.select_related("unit", "position", "penilai", "atasan_penilai")
    scope = employee_scope_q(user)
    return qs if scope is None else qs.filter(scope)


def employees_search(*, user, q: str = "", without_penilai: bool = False) -> QuerySet[Employee]:
    """Active employees the user may see, by name or NIP (spaces in a NIP ignored)."""
    qs = employees_visible_to(user=user).filter(is_active=True)
    q = q.strip()
    if q:
        compact = "".join(q.split())
        qs = qs.filter(nip__startswith=compact) if compact.isdigit() else qs.filter(name__icontains=q)
    if without_penilai:
        qs = qs.filter(penilai__isnull=True).exclude(_appraised_by_kepala_daerah())
    return qs.order_by("name", "nip")


def employee_team(*, employee: Employee) -> QuerySet[Employee]:
    return Employee.objects.filter(penilai=employee, is_active=True).select_related("position", "unit")


def positions_list(*, unit_id: int | None = None) -> QuerySet[Position]:
    qs = Position.objects.select_related("unit").annotate(
        holders_count=Count("holders", filter=Q(holders__is_active=True))
    )
    return qs.filter(unit_id=unit_id) if unit_id else qs


def units_list() -> QuerySet[Unit]:
    return Unit.objects.all()


def roster_import_get_for(*, user, pk) -> RosterImport:
    from accounts.permissions import can_import_roster

    job = RosterImport.objects.filter(pk=pk).first()
    if job is None or not can_import_roster(user):
        raise Http404
    return job


def org_health() -> dict[str, int]:
    """Counts an HR officer acts on: people without an appraiser, units without a head."""
    # The same filter as the employee list's "tanpa penilai", so the count and its link agree.
    no_penilai = (
        Employee.objects.filter(is_active=True, penilai__isnull=True).exclude(_appraised_by_kepala_daerah()).count()
    )
    headless = Unit.objects.filter(depth__gt=0).exclude(positions__is_head=True).count()
    no_email = Employee.objects.filter(is_active=True, email="").count()
    return {"no_penilai": no_penilai, "headless_units": headless, "no_email": no_email}
