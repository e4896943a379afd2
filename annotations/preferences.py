"""The interface language and the display options, per user (docs/i18n.md).

A user's `Preferences` row is read once, when they log in, into their session;
every request applies it from there, so no page reads another row for it. The
language also goes into Django's language cookie, so the log-in page keeps it
after logging out. A language chosen with Django's `set_language` view (the
switcher in every page's header) is remembered for the user who chose it.
Without a choice the browser's Accept-Language decides (LocaleMiddleware).

The digits and calendar options change how the page chrome writes numbers and
dates (templatetags/display.py), nothing else: never stored data, form values,
offsets or exports.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .models import Calendar, Digits, Preferences

SESSION_KEY = "preferences"
DEFAULTS = {"language": "", "digits": Digits.LATIN.value, "calendar": Calendar.GREGORIAN.value}
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)

# The display options of the request being answered, for template filters (which get no context).
_display: ContextVar[dict] = ContextVar("display_preferences", default=DEFAULTS)


def display() -> dict:
    """The current request's display options: {"language", "digits", "calendar"}."""
    return _display.get()


def _stored(user) -> dict:
    row = Preferences.objects.filter(user=user).first()
    return row.as_dict() if row is not None else dict(DEFAULTS)


def current(request: HttpRequest) -> dict:
    """The logged-in user's preferences, from the session (read from the database once per session)."""
    user = request.user
    if not user.is_authenticated:
        return DEFAULTS
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        kept = request.session[SESSION_KEY] = {"user": user.pk, **_stored(user)}
    return {**DEFAULTS, **{key: kept[key] for key in DEFAULTS if key in kept}}


def remember(request: HttpRequest, **changes: str) -> dict:
    """Store some of the logged-in user's preferences, in the database and in their session."""
    values = {**current(request), **changes}
    Preferences.objects.update_or_create(user=request.user, defaults=values)
    request.session[SESSION_KEY] = {"user": request.user.pk, **values}
    return values


def load_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the preferences into the new session, for current()."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = {"user": user.pk, **_stored(user)}


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Django's language cookie, with the settings its set_language view uses; none for "" (the
    browser's language again: the cookie would otherwise keep the last choice)."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class PreferencesMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a logged-in user's chosen language
    wins over the cookie and the browser's; their display options hold for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = current(request)
        if chosen["language"] in LANGUAGE_CODES:
            translation.activate(chosen["language"])
            request.LANGUAGE_CODE = translation.get_language()
        token = _display.set(chosen)
        try:
            response = self.get_response(request)
        finally:
            _display.reset(token)
        if request.user.is_authenticated:  # also just logged in, not if just logged out
            self._keep_language(request, response)
        return response

    @staticmethod
    def _keep_language(request: HttpRequest, response: HttpResponse) -> None:
        sent = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if sent is not None:
            # A view chose a language (set_language, the preferences page): the user's from now on.
            if sent.value in LANGUAGE_CODES and sent.value != current(request)["language"]:
                remember(request, language=sent.value)
            return
        language = current(request)["language"]
        if language in LANGUAGE_CODES and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
