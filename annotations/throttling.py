"""Hooks for django-axes, the log-in throttling."""

from __future__ import annotations

from django.http import HttpRequest


def bounded_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes records, cut to its column's length.

    Axes' own rule (the credentials, else the posted form), but a log-in form
    accepts any length and axes' username column holds 255 characters:
    PostgreSQL refuses a longer value and the log-in would fail with a 500.
    No real account's name is that long (Django allows 150), so the cut only
    merges throttling of names that match no account.
    """
    from axes.conf import settings
    from axes.models import AccessAttempt

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
