from django import template

register = template.Library()


@register.filter
def change_pair(value):
    """(old, new) when an audit change is recorded as {"old": …, "new": …}; None otherwise."""
    if isinstance(value, dict) and set(value) == {"old", "new"}:
        return (value["old"], value["new"])
    return None
