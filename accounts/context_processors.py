from accounts.permissions import user_roles


def roles(request):
    """The current user's roles, for menus. Evaluated lazily: pages that don't ask pay nothing."""
    user = getattr(request, "user", None)

    class _Lazy:
        def __contains__(self, role):
            return role in user_roles(user)

        def __iter__(self):
            return iter(sorted(user_roles(user)))

    return {"roles": _Lazy()}
