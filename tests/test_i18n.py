"""The interface in Arabic and Persian (docs/i18n.md): complete catalogues, compiled as committed,
and every page of the app rendered in both with no string of the app's own left in English."""

from __future__ import annotations

import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from annotations import matching
from annotations.models import ImportJob, Rejection, Source, Suggestion

from . import factories
from .catalogues import PLACEHOLDER, TAG, TRANSLATED, mo_path, po_path, read_po

# Plural forms each language's catalogue must declare (Django's own catalogues use the same).
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;",
    "fa": "nplurals=2; plural=(n > 1);",
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    header, entries = read_po(po_path(language))
    assert header["Language"] == language and header["Plural-Forms"] == PLURAL_FORMS[language]
    forms = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))
    assert entries, "an empty catalogue"
    untranslated = [e.msgid for e in entries if not all(e.forms) or (e.plural is not None and len(e.forms) != forms)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy (check and remove the flag) in {language}: {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_and_markup(language):
    """A placeholder or tag lost or invented in a translation would break or garble the page.
    A plural form may leave the number out ("مقالان", two articles), but the last form,
    used for large numbers, keeps every placeholder."""
    _header, entries = read_po(po_path(language))
    problems = []
    for entry in entries:
        source = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.plural or ""))
        tags = sorted(TAG.findall(entry.msgid))
        for index, form in enumerate(entry.forms):
            found = set(PLACEHOLDER.findall(form))
            complete = entry.plural is None or index == len(entry.forms) - 1
            if not found <= source or (complete and found != source) or sorted(TAG.findall(form)) != tags:
                problems.append((entry.msgid, form))
    assert not problems, problems


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_is_the_committed_po(language):
    """The committed .mo holds exactly the .po's translations (run compilemessages after editing
    a .po; docs/i18n.md), and Django reads it."""
    _header, entries = read_po(po_path(language))
    with mo_path(language).open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    expected = {}
    for entry in entries:
        if entry.plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            expected.update({(entry.key, index): form for index, form in entry.msgstr.items()})
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}
    stale = {key for key in expected.keys() | catalog.keys() if expected.get(key) != catalog.get(key)}
    assert not stale, f"{mo_path(language)} differs from its .po on: {sorted(map(str, stale))[:20]}"
    numbers = [0, 1, 2, 3, 11, 100, 102]
    assert [compiled.plural(n) for n in numbers] == [eval_plural(PLURAL_FORMS[language], n) for n in numbers]
    with translation.override(language):
        some = next(entry for entry in entries if entry.plural is None and entry.context is None)
        assert translation.gettext(some.msgid) == some.msgstr[0]


def eval_plural(expression: str, n: int) -> int:
    """The Plural-Forms expression's form for n, evaluated by gettext's own parser."""
    return gettext.c2py(expression.split("plural=", 1)[1].rstrip(";"))(n)


# Every page of the app, by URL name, and who opens it. Django's admin is checked through a few
# of its pages. A URL name in neither PAGES nor NOT_PAGES fails test_every_page_is_covered.
NOT_PAGES = {
    # Writes (POST only) and downloads: they answer with a redirect, a partial or a file.
    "claim_create", "claim_delete", "claim_restore", "assignment_submit", "gold_create", "group_accept", "group_reject", "group_merge",
    "gold_accept_unanimous", "gold_delete", "rejection_delete", "assignment_reopen", "export_download",
    "logout", "set_language", "canonical_update", "evidence_create", "evidence_delete",
    "suggestion_accept", "suggestion_reject", "suggestions_accept_above",
    *(f"{kind}_canonical_{action}" for kind in ("claim", "gold") for action in ("link", "new", "dismiss", "unlink")),
}


def page_urls(world) -> list[tuple[str, str, str]]:
    """(URL name, role, URL) for every page; the role is a key of world["clients"]."""
    article, open_article = world["article"], world["open_article"]
    return [
        ("login", "anonymous", reverse("login")),
        ("home", "annotator", reverse("home")),
        ("article_list", "annotator", reverse("article_list")),
        ("article_list", "adjudicator", reverse("article_list")),
        ("article_detail", "annotator", reverse("article_detail", args=[open_article.pk])),
        ("article_detail", "annotator", reverse("article_detail", args=[article.pk])),
        ("claim_update", "annotator", reverse("claim_update", args=[world["open_claim"].pk])),
        ("suggestion_edit", "annotator", reverse("suggestion_edit", args=[world["suggestion"].pk])),
        ("article_compare", "annotator", reverse("article_compare", args=[article.pk])),
        ("adjudication_detail", "adjudicator", reverse("adjudication_detail", args=[article.pk])),
        ("project_dashboard", "adjudicator", reverse("project_dashboard", args=[article.project.pk])),
        ("canonical_list", "annotator", reverse("canonical_list")),
        ("canonical_list", "adjudicator", reverse("canonical_list")),
        ("canonical_list", "adjudicator", reverse("canonical_list") + "?q=ab&verdict=false"),
        ("canonical_detail", "annotator", reverse("canonical_detail", args=[world["canonical"].pk])),
        ("canonical_detail", "adjudicator", reverse("canonical_detail", args=[world["canonical"].pk])),
        ("claim_canonical", "annotator", reverse("claim_canonical", args=[world["open_claim"].pk])),
        ("claim_canonical", "adjudicator", reverse("claim_canonical", args=[world["unlinked_claim"].pk])),
        ("gold_canonical", "adjudicator", reverse("gold_canonical", args=[world["gold"].pk])),
        ("search", "annotator", reverse("search") + "?q=" + quote("شخص")),
        ("search", "adjudicator", reverse("search") + "?q=" + quote("٣٠٠ شخص")),
        ("search", "annotator", reverse("search") + "?q=" + quote("لا-توجد-نتيجة")),
        ("search", "annotator", reverse("search") + "?q=" + quote("!!!")),
        ("search", "annotator", reverse("search")),
        ("preferences_edit", "annotator", reverse("preferences_edit")),
        ("password_change", "annotator", reverse("password_change")),
        ("password_change_done", "annotator", reverse("password_change_done")),
        ("403", "annotator", reverse("project_dashboard", args=[article.project.pk])),
        ("404", "annotator", reverse("article_detail", args=[10**9])),
        ("admin", "staff", reverse("admin:index")),
        ("admin", "staff", reverse("admin:annotations_claim_changelist")),
        ("admin", "staff", reverse("admin:annotations_claim_change", args=[world["open_claim"].pk])),
        ("admin", "staff", reverse("admin:annotations_article_changelist")),
        ("admin", "staff", reverse("admin:annotations_article_import_files")),
        ("admin", "staff", reverse("admin:annotations_article_import_job", args=[world["job"].pk])),
    ]


# Pages drawn by Django's admin templates: Django's own catalogue translates most of their text,
# so only the app's messages are looked for there, not every Latin word.
ADMIN_STYLE = ("/admin/", "/accounts/password_change/")


def django_admin_messages(language: str) -> set[str]:
    """The messages Django's admin translates itself. Its templates leave a few of them in English
    (the search box's alt="Search"): on admin pages a message the app shares with Django is Django's."""
    with (Path(admin.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        return {key if isinstance(key, str) else key[0] for key in gettext.GNUTranslations(mo)._catalog}


def url_names(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


@pytest.fixture
def world(project, article, annotator, other_annotator, adjudicator, staff, submitted):
    """An article both annotators submitted, with a gold claim and a rejection; another still open;
    a canonical claim (with evidence, one published late) that the gold claim and the open claim appear
    under, their verdicts contradicting, and another canonical claim suggested for an unlinked claim."""
    project.guidelines = "ضعوا علامة على كل رقم مع مصدره."
    project.annotators_link_claims = True
    project.save()
    gold = factories.make_gold(
        article, adjudicator, "مصطفى بالي", from_claims=submitted["agreed"], provenance="unanimous", verification_status_id="true"
    )
    rejection = Rejection.objects.create(article=article, adjudicator=adjudicator, decision_note="ليس ادعاءً")
    rejection.claims.add(submitted["theirs"])
    open_article = factories.make_article("قال مصدر إن 300 شخص خرجوا.", project=project, external_id="baghuz-2")
    factories.assign(open_article, annotator)
    open_claim = factories.make_claim(open_article, annotator, "300 شخص", note="ملاحظة", evidence=["https://example.org/a"])
    claimant = Source.objects.create(name="مصطفى بالي")
    canonical = factories.make_canonical(
        "قال مصدر إن 300 شخص خرجوا من الباغوز.", created_by=adjudicator, claimant=claimant, verdict_id="mostly_false",
        translation="A source said 300 people left Baghuz.", translation_language="en", note="راجعنا الأرقام.",
        first_appearance_url="https://example.org/first", first_appeared_on=datetime.date(2019, 3, 10),
    )
    factories.make_evidence(canonical, "https://example.org/a", title="تقرير المرصد", published_on=datetime.date(2019, 3, 20),
                            checked_on=datetime.date(2019, 3, 21), archived_url="https://example.org/archive")
    factories.make_evidence(canonical, "https://example.org/b", title="بيان")
    factories.link(canonical, gold, by=adjudicator)
    factories.link(canonical, open_claim, by=annotator)
    suggested = factories.make_canonical("غادر 3000 شخص الباغوز.", created_by=adjudicator)
    factories.link(suggested, submitted["mine"], by=adjudicator)
    matching.refresh_keys([canonical.pk, suggested.pk])
    job = ImportJob.objects.create(project_name=project.name, state=ImportJob.State.DONE, step="finished", files_total=1, created_by=staff)
    clients = {"anonymous": Client()}
    for role, user in {"annotator": annotator, "adjudicator": adjudicator, "staff": staff}.items():
        clients[role] = Client()
        clients[role].force_login(user)
    user_data = [
        project.name, article.external_id, open_article.external_id, "https://example.org/a", "https://example.org/first",
        canonical.translation,  # a form value on the edit form (the statement's is Arabic)
        "attribution",  # a suggester's name, stored with its suggestions
        *(user.username for user in (annotator, other_annotator, adjudicator, staff)),
    ]
    suggestion = Suggestion.objects.create(
        article=open_article, start=0, end=3, quote=open_article.text[:3], suggester="attribution", model_version="1",
        score=0.8, claim_type_id="numerical", rationale=open_article.text[:3],
    )
    return {"article": article, "open_article": open_article, "open_claim": open_claim, "job": job, "suggestion": suggestion,
            "gold": gold, "canonical": canonical, "unlinked_claim": submitted["theirs"],
            "clients": clients, "user_data": user_data}


def test_every_page_is_covered(world):
    covered = {name for name, _role, _url in page_urls(world)}
    missing = set(url_names()) - covered - NOT_PAGES
    assert not missing, f"pages not rendered in ar/fa by test_no_english_on_any_page: {missing} (add them to page_urls)"


class VisibleText(HTMLParser):
    """The text a reader sees (text and the attributes read out or shown), without the article,
    scripts, and anything marked as another language than the page's (titles, quotes, autonyms)."""

    SHOWN = {"placeholder", "aria-label", "title", "alt", "hx-confirm", "data-offline", "data-failed", "data-text-changed"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language, self.chunks, self.skipping, self.depth = language, [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skipping is not None:
            self.depth += tag == self.skipping and tag not in self.VOID
            return
        foreign = attrs.get("lang") not in (None, self.language)
        if tag in ("script", "style", "datalist") or attrs.get("id") == "article-text" or foreign:
            if tag not in self.VOID:
                self.skipping, self.depth = tag, 1
            return
        self.chunks.extend(value for name, value in attrs.items() if name in self.SHOWN and value)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.skipping == tag:
            self.depth -= 1
            if self.depth == 0:
                self.skipping = None

    def handle_data(self, data):
        if self.skipping is None and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html: str, language: str, user_data: list[str]) -> str:
    parser = VisibleText(language)
    parser.feed(html)
    text = "\n".join(parser.chunks)
    for value in sorted(user_data, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def english_fragments(entries, language: str) -> dict[str, str]:
    """{English fragment: its msgid} for every message whose translation differs from it: the
    msgid's text between placeholders and tags, where it is at least a word long, and not
    something the translations themselves keep (F1, CSV, UTF-8)."""
    kept = " ".join(form for entry in entries for form in entry.forms)
    fragments = {}
    for entry in entries:
        if entry.forms == [entry.msgid] or entry.msgid.startswith("--"):
            continue
        for source in filter(None, (entry.msgid, entry.plural)):
            for fragment in re.split(r"%\(\w+\)[sdr]|%%|</?\w+[^>]*>", source):
                fragment = fragment.strip(" .:;,·()“”\"'")
                if re.search(r"[A-Za-z]{2}", fragment) and not _found(fragment, kept):
                    fragments.setdefault(fragment, entry.msgid)
    return fragments


def _found(fragment: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", text) is not None


# Latin words an Arabic or Persian page of the app may show: key names, format names, the
# figures' name, a claim's version ("v1"), language codes, the evidence placeholder.
LATIN_ALLOWED = re.compile(r"^(Ctrl|Enter|Esc|Alt|Shift|Tab|Del|Delete|C|N|P|T|x|e|F1|CSV|JSON|JSONL|JSON-LD|ClaimReview|https|v\d+|ar|fa|en)$")


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_on_any_page(world, language):
    _header, entries = read_po(po_path(language))
    fragments = english_fragments(entries, language)
    djangos = django_admin_messages(language)
    problems = []
    for name, role, url in page_urls(world):
        response = world["clients"][role].get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
        html = response.content.decode()
        assert response.status_code == {"403": 403, "404": 404}.get(name, 200), (name, url)
        if not re.search(rf'<html lang="{language}" dir="rtl"', html):
            problems.append((url, "the page is not <html lang dir=rtl>"))
        text = visible_text(html, language, world["user_data"])
        admin_style = url.startswith(ADMIN_STYLE)
        problems += [
            (url, f"untranslated: {msgid!r}") for fragment, msgid in fragments.items()
            if _found(fragment, text) and not (admin_style and msgid in djangos)
        ]
        if not admin_style:
            latin = {word for word in re.findall(r"[A-Za-z][A-Za-z0-9-]*", text) if not LATIN_ALLOWED.match(word)}
            problems += [(url, f"Latin words not from the data: {sorted(latin)}")] if latin else []
    assert not problems, "\n".join(f"{url}: {problem}" for url, problem in problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_lockout_page_is_translated(language):
    """The log-in lockout (django-axes) renders a template of ours: translated as the rest."""
    request = RequestFactory().get("/accounts/login/")
    request.user = AnonymousUser()
    with translation.override(language):
        html = render_to_string("registration/locked.html", request=request)
    _header, entries = read_po(po_path(language))
    text = visible_text(html, language, [])
    assert f'<html lang="{language}" dir="rtl"' in html
    assert not [msgid for fragment, msgid in english_fragments(entries, language).items() if _found(fragment, text)]
