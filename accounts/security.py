"""The client's address as the login lockout sees it, trusting exactly TERANG_PROXY_COUNT proxies."""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TERANG_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it saw; the client is `count` entries from the right.
    if len(forwarded) >= count:
        return forwarded[-count]
    return remote
