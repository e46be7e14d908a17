from django import template

register = template.Library()


@register.filter
def change_pair(value):
    """(old, new) when an audit change is recorded as {"old": …, "new": …}; None otherwise."""
    if isinstance(value, dict) and set(value) == {"old", "new"}:
        return (value["old"], value["new"])
    return None


@register.filter
def minutes(value) -> int:
    """Whole minutes of a timedelta (rounded up), e.g. the login lockout's waiting time."""
    try:
        return max(1, -(-int(value.total_seconds()) // 60))
    except AttributeError:
        return 0
