"""Writes about accounts: role grants and API tokens, each audited."""

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, RoleGrant, User
from audit.services import event_record


def role_grant(*, actor, user: User, role: str, reason: str = "") -> RoleGrant:
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
        if created:
            event_record(
                actor=actor,
                action="accounts.role.grant",
                obj=grant,
                changes={"role": role},
                reason=reason,
                subject_employee_id=user.employee_id,
            )
        return grant


def role_revoke(*, actor, user: User, role: str, reason: str = "") -> None:
    with transaction.atomic():
        for grant in RoleGrant.objects.select_for_update().filter(user=user, role=role):
            event_record(
                actor=actor,
                action="accounts.role.revoke",
                obj=grant,
                changes={"role": role},
                reason=reason,
                subject_employee_id=user.employee_id,
            )
            grant.delete()


def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a token for the actor; the plain token is returned once and never stored."""
    plain = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, prefix=plain[4:12], digest=ApiToken.digest_of(plain))
        event_record(
            actor=actor,
            action="accounts.api_token.create",
            obj=token,
            changes={"name": name},
            subject_employee_id=actor.employee_id,
        )
    return token, plain


def api_token_revoke(*, actor, token: ApiToken) -> None:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk, user=actor)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            event_record(
                actor=actor, action="accounts.api_token.revoke", obj=locked, subject_employee_id=actor.employee_id
            )


def api_token_authenticate(plain: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
