"""Log-in throttling reads the client's address as the deployment says, and never fails with a 500.

Directly connected, the connection's address is the client's and X-Forwarded-For
is ignored; behind AXES_PROXY_COUNT proxies, the address the first proxy wrote
is. Throttling is per username and address, so a stranger elsewhere cannot lock
a real user out. Each test asserts the address axes recorded, which proves the
settings it overrides are the ones axes reads.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from factcheck.settings import AXES_FAILURE_LIMIT, axes_client_address

from . import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "127.0.0.1"  # a reverse proxy on the same host


def attempt(client: Client, username: str, password: str = "wrong", **meta):
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def assert_locked(response):
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content


def assert_logged_in(response, client: Client, user):
    assert response.status_code == 302, response.status_code
    assert client.session["_auth_user_id"] == str(user.pk)


@override_settings(**axes_client_address(0))
def test_direct_clients_are_told_apart_by_connection_and_cannot_spoof(annotator):
    stranger = Client()
    for n in range(AXES_FAILURE_LIMIT - 1):
        # A different forged X-Forwarded-For each time: ignored, so it does not reset the count.
        response = attempt(stranger, "annotator", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 200
    assert_locked(attempt(stranger, "annotator", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.99"))
    assert list(AccessAttempt.objects.values_list("ip_address", "username", "failures_since_start")) == [
        ("198.51.100.1", "annotator", AXES_FAILURE_LIMIT)
    ]
    # Locked at that address, even with the right password and a forged header.
    assert_locked(attempt(stranger, "annotator", factories.PASSWORD, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="198.51.100.2"))

    # The real user, from their own address, still logs in.
    user_client = Client()
    assert_logged_in(attempt(user_client, "annotator", factories.PASSWORD, REMOTE_ADDR="198.51.100.2"), user_client, annotator)


@override_settings(**axes_client_address(1))
def test_behind_one_proxy_the_forwarded_address_is_the_client(annotator, other_annotator):
    stranger = Client()
    for _ in range(AXES_FAILURE_LIMIT - 1):
        assert attempt(stranger, "annotator", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert_locked(attempt(stranger, "annotator", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5"))
    assert list(AccessAttempt.objects.values_list("ip_address", "username", "failures_since_start")) == [
        ("203.0.113.5", "annotator", AXES_FAILURE_LIMIT)
    ]
    # Prepending a forged address does not get round the lock: the proxy appends the real one.
    assert_locked(attempt(stranger, "annotator", factories.PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"))

    # Same proxy address, another client: the real user logs in.
    user_client = Client()
    response = attempt(user_client, "annotator", factories.PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert_logged_in(response, user_client, annotator)
    # And the locked client is locked for that username only.
    other_client = Client()
    response = attempt(other_client, "other", factories.PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert_logged_in(response, other_client, other_annotator)


@override_settings(**axes_client_address(2))
def test_behind_two_proxies_the_address_the_first_proxy_wrote(client):
    # client -> edge proxy (writes the client) -> local proxy (appends the edge's address) -> app
    attempt(client, "annotator", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.9, 203.0.113.5, 198.51.100.254")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


@override_settings(**axes_client_address(1))
def test_behind_a_proxy_a_request_without_the_header_falls_back_to_the_connection(client):
    attempt(client, "annotator", REMOTE_ADDR=PROXY)
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_a_negative_proxy_count_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        axes_client_address(-1)


@pytest.mark.parametrize("length", [300, 5000])
@pytest.mark.parametrize("url", [LOGIN, "/admin/login/"])
def test_overlong_usernames_are_refused_politely_and_still_throttled(client, length, url):
    username = "u" * length
    for _ in range(AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": username, "password": "wrong"}).status_code == 200
    assert_locked(client.post(url, {"username": username, "password": "wrong"}))
    attempt_row = AccessAttempt.objects.get()
    assert attempt_row.username == username[:255] and attempt_row.failures_since_start == AXES_FAILURE_LIMIT


def test_an_overlong_username_does_not_lock_out_the_account_it_starts_with(client, annotator):
    client.post(LOGIN, {"username": "annotator" + "x" * 300, "password": "wrong"})
    user_client = Client()
    assert_logged_in(attempt(user_client, "annotator", factories.PASSWORD), user_client, annotator)


def test_a_username_with_a_nul_byte_is_a_form_error(client):
    response = attempt(client, "admin\x00")
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()  # refused by the form before authentication


def test_an_overlong_user_agent_and_odd_paths_do_not_fail(client):
    response = attempt(client, "annotator", HTTP_USER_AGENT="Mozilla/5.0 " + "\u202e\U0001f600" * 3000)
    assert response.status_code == 200
    assert len(AccessAttempt.objects.get().user_agent) == 255
    response = client.post(LOGIN + "?next=/%00%E2%80%AE%ZZ/..%2F", {"username": "annotator", "password": "wrong"})
    assert response.status_code == 200
    assert client.get("/accounts/login/%00%E2%80%AE/").status_code == 404
