"""The address the login lockout counts failures against, directly or behind trusted proxies."""

from accounts.security import client_ip


def test_without_proxies_the_socket_address_counts_and_forwarded_headers_are_ignored(rf, settings):
    settings.TERANG_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.9"


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_claims(rf, settings):
    settings.TERANG_PROXY_COUNT = 1
    # The client forged "6.6.6.6"; the proxy appended the real address it saw.
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_missing_forwarded_header_falls_back_to_the_socket(rf, settings):
    settings.TERANG_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "10.0.0.1"
