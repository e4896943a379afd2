"""The interface language per user and the display options (docs/i18n.md): chosen from the
browser, switched on any page, remembered across log-ins; digits and Solar Hijri dates in the
chrome only, never in the article, the forms or the exports."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from annotations.models import Preferences
from annotations.preferences import DEFAULTS, _display
from annotations.templatetags.display import localdate, localdigits, with_digits

from . import factories

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_language(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', response.content.decode())
    return match.group(1), match.group(2)


def log_in(client: Client, user) -> None:
    """Through the log-in form, as a person does (the preferences are read at log-in)."""
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_the_browsers_language_without_a_choice(client, annotator, article):
    client.force_login(annotator)
    url = reverse("article_list")
    assert html_language(client.get(url, HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9,en;q=0.5")) == ("fa", "rtl")
    assert html_language(client.get(url, HTTP_ACCEPT_LANGUAGE="ar")) == ("ar", "rtl")
    assert html_language(client.get(url, HTTP_ACCEPT_LANGUAGE="de, en;q=0.5")) == ("en", "ltr")
    assert not Preferences.objects.exists()


def test_a_switch_is_the_users_language_after_logging_out_and_in(annotator, article):
    browser = Client()
    log_in(browser, annotator)
    response = browser.post(reverse("set_language"), {"language": "fa", "next": reverse("article_list")})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "fa"
    assert Preferences.objects.get(user=annotator).language == "fa"
    browser.post(reverse("logout"))
    # The log-in page keeps the language (the cookie), and so does another browser once logged in,
    # whatever that browser asks for.
    assert html_language(browser.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == ("fa", "rtl")
    other = Client()
    log_in(other, annotator)
    page = other.get(reverse("article_list"), HTTP_ACCEPT_LANGUAGE="ar")
    assert html_language(page) == ("fa", "rtl")
    assert other.cookies[COOKIE].value == "fa"  # set at log-in, for the log-in page after logging out


def test_a_visitors_switch_is_a_cookie_only(client, annotator):
    response = client.post(reverse("set_language"), {"language": "ar", "next": reverse("login")})
    assert response.cookies[COOKIE].value == "ar"
    assert html_language(client.get(reverse("login"))) == ("ar", "rtl")
    assert not Preferences.objects.exists()
    # Logging in keeps it for a user who never chose, without storing it as their choice.
    log_in(client, annotator)
    assert html_language(client.get(reverse("article_list"), HTTP_ACCEPT_LANGUAGE="fa")) == ("ar", "rtl")
    assert not Preferences.objects.exists()


def test_every_page_has_the_switch_to_set_language(client, annotator, article):
    for url in (reverse("login"), reverse("article_list"), article.get_absolute_url()):
        if url != reverse("login"):
            client.force_login(annotator)
        html = client.get(url).content.decode()
        form = re.search(r'<form method="post" action="([^"]+)" class="languages".*?</form>', html, re.S).group(0)
        assert f'action="{reverse("set_language")}"' in form and 'name="csrfmiddlewaretoken"' in form
        assert re.findall(r'name="language" value="(\w+)"', form) == ["en", "ar", "fa"]


def test_the_preferences_page_saves_and_can_go_back_to_the_browsers_language(client, annotator):
    log_in(client, annotator)
    url = reverse("preferences_edit")
    response = client.post(url, {"language": "ar", "digits": "arab", "calendar": "gregorian"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "ar"
    assert Preferences.objects.filter(user=annotator, language="ar", digits="arab").exists()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
    assert html_language(page) == ("ar", "rtl") and "حُفظت التفضيلات." in page.content.decode()
    response = client.post(url, {"language": "", "digits": "latn", "calendar": "gregorian"}, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.cookies[COOKIE].value == ""  # deleted: the browser decides again
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
    assert html_language(page) == ("fa", "rtl") and "ترجیحات ذخیره شد." in page.content.decode()
    assert Preferences.objects.get(user=annotator).language == ""


def test_bad_preferences_are_refused_and_change_nothing(client, annotator):
    client.force_login(annotator)
    response = client.post(reverse("preferences_edit"), {"language": "xx", "digits": "roman", "calendar": "gregorian"})
    assert response.status_code == 200 and response.content.count(b'data-code="invalid_choice"') == 2
    assert not Preferences.objects.exists()
    assert client.get(reverse("preferences_edit")).status_code == 200
    anonymous = Client().get(reverse("preferences_edit"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_preference_costs_no_query_per_page(annotator, article):
    """Read into the session at log-in: pages read the same rows with or without a preference."""
    counts = []
    for language in ("", "fa"):
        Preferences.objects.update_or_create(user=annotator, defaults={"language": language, "digits": "arabext"})
        browser = Client()
        log_in(browser, annotator)
        browser.get(reverse("article_list"))
        with CaptureQueriesContext(connection) as queries:
            browser.get(reverse("article_list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_digits_and_dates_as_the_user_chose():
    assert with_digits("3/5 · 0.667 · 0,5", "arab") == "٣/٥ · ٠٫٦٦٧ · ٠٫٥"
    assert with_digits("2019-03-23", "arabext") == "۲۰۱۹-۰۳-۲۳"
    assert with_digits("2019, 3", "latn") == "2019, 3"
    day = datetime.date(2019, 3, 23)
    token = _display.set({**DEFAULTS, "digits": "arabext", "calendar": "persian"})
    try:
        assert localdigits(12) == "۱۲" and localdigits(None) is None
        with translation.override("fa"):
            assert localdate(day) == "۱۳۹۸/۰۱/۰۳" and localdate(day, "long") == "۳ فروردین ۱۳۹۸"
        with translation.override("ar"):  # Solar Hijri is the Persian interface's option only
            assert localdate(day) == "۲۰۱۹-۰۳-۲۳"
    finally:
        _display.reset(token)
    assert localdate(day) == "2019-03-23" and localdate(None) == ""


@pytest.fixture
def persian_display(client, annotator, article, adjudicator, staff):
    for user in (annotator, adjudicator, staff):
        Preferences.objects.create(user=user, language="fa", digits="arabext", calendar="persian")
    article.published_at = datetime.date(2019, 3, 23)
    article.save()
    claim = factories.make_claim(article, annotator, "3000 شخص", note="قال 3000")
    return claim


def test_display_options_never_touch_the_article_or_the_form(client, annotator, article, persian_display):
    log_in(client, annotator)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "۱۳۹۸/۰۱/۰۳" in html  # the chrome: the article's date
    text = re.search(r'<div id="article-text"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert text == article.text and "3000" in text
    claim = persian_display
    assert f'data-start="{claim.start}" data-end="{claim.end}"' in html  # offsets stay ASCII digits
    assert "3000 شخص</blockquote>" in html and "قال 3000" in html  # quotes and notes as stored
    listing = client.get(reverse("article_list")).content.decode()
    assert '<td class="num">۱</td>' in listing and "۰ از ۱ مقاله تحویل داده شده است" in listing


def test_display_options_never_touch_exports_or_downloads(client, annotator, adjudicator, staff, article, persian_display):
    plain = Client()
    plain.force_login(staff)
    log_in(client, staff)
    for url in (
        reverse("export_download") + "?format=json",
        reverse("export_download") + "?format=csv",
        reverse("project_dashboard", args=[article.project.pk]) + "?format=csv",
    ):
        # The same bytes, but for the time of the export ("exported_at").
        shown, stored = (
            re.sub(r'"exported_at": "[^"]*"', "", b"".join(c.get(url).streaming_content).decode()) for c in (client, plain)
        )
        assert shown == stored and re.search("[0-9]", shown) and not re.search("[۰-۹٠-٩]", shown)
    dashboard = client.get(reverse("project_dashboard", args=[article.project.pk]))
    assert html_language(dashboard) == ("fa", "rtl") and "۰ از ۱ واگذاری تحویل داده شده است." in dashboard.content.decode()
