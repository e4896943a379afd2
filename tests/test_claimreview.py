"""The ClaimReview export: valid JSON-LD (expanded with pyld against a schema.org context shipped here,
no network), field by field; the command and the staff download."""

import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyld import jsonld

from annotations import exporting
from annotations.models import CanonicalClaim, Source, Verdict

from . import factories

pytestmark = pytest.mark.django_db

S = "https://schema.org/"
CONTEXT = json.loads((Path(__file__).parent / "data" / "schemaorg-context.jsonld").read_text(encoding="utf-8"))
SITE = "https://factcheck.example.org"
DESK = {"ANNOTATIONS_SITE_URL": SITE + "/", "ANNOTATIONS_DESK_NAME": "مرصد التحقق", "ANNOTATIONS_DESK_URL": "https://desk.example.org/"}
FA_TEXT = "رویترز گزارش داد ۳۰۰۰ نفر از باغوز خارج شدند."
AR_TEXT = "قالت رويترز إن 3000 شخص غادروا الباغوز."


def offline_loader(url, options=None):
    """Serve the shipped schema.org context; refuse everything else, so nothing is fetched."""
    if url.rstrip("/") != "https://schema.org":
        raise AssertionError(f"the test must not fetch {url}")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def expand(document: dict) -> list:
    return jsonld.expand(document, {"documentLoader": offline_loader})


def export(**options) -> dict:
    out = StringIO()
    call_command("export_annotations", format="claimreview", stdout=out, **options)
    return json.loads(out.getvalue())


@pytest.fixture
def desk(settings):
    for name, value in DESK.items():
        setattr(settings, name, value)
    settings.ANNOTATIONS_DESK_LANGUAGE = ""
    return settings


@pytest.fixture
def reviewed(desk, adjudicator):
    """A small adjudicated project: the same claim in a Persian and an Arabic article, and others."""
    project = factories.make_project("Baghuz")
    fa = factories.make_article(
        FA_TEXT, project=project, external_id="isna", title="خروج ۳۰۰۰ نفر", url="https://isna.example/1",
        outlet="ایسنا", published_at=date(2019, 3, 6),
    )
    ar = factories.make_article(
        AR_TEXT, project=project, external_id="reuters-ar", title="غادروا الباغوز", url="https://reuters.example/ar",
        outlet="رويترز", published_at=date(2019, 3, 5),
    )
    undated = factories.make_article(AR_TEXT + " (نسخة)", project=project, external_id="undated", title="بلا تاريخ")
    elsewhere = factories.make_article(AR_TEXT, project=factories.make_project("Elsewhere"), external_id="elsewhere")
    reuters = Source.objects.create(name="رويترز", kind="news_outlet")
    spokesman = Source.objects.create(name="مصطفى بالي", kind="person")

    def gold(article, quote, canonical):
        factories.link(canonical, factories.make_gold(article, adjudicator, quote))

    verdict_at = datetime(2019, 3, 8, 23, 30, tzinfo=UTC)
    numbers = factories.make_canonical(
        "۳۰۰۰ نفر از باغوز خارج شدند", created_by=adjudicator, claimant=spokesman, verdict_id="false", verdict_at=verdict_at
    )
    gold(fa, "۳۰۰۰ نفر", numbers)
    gold(ar, "3000 شخص", numbers)
    gold(ar, "غادروا الباغوز", numbers)  # a second appearance in the same article: listed once
    gold(undated, "3000 شخص", numbers)
    gold(elsewhere, "3000 شخص", numbers)  # another project: not with --project
    unverifiable = factories.make_canonical(
        "غادروا الباغوز", created_by=adjudicator, claimant=reuters, verdict_id="unverifiable",
        first_appearance_url="https://t.example/status/1", first_appeared_on=date(2019, 3, 1),
    )
    gold(undated, "غادروا الباغوز", unverifiable)
    unassessed = factories.make_canonical("رويترز", created_by=adjudicator, verdict_id="unassessed")
    gold(ar, "رويترز", unassessed)
    no_verdict = factories.make_canonical("قالت رويترز", created_by=adjudicator)
    gold(ar, "قالت", no_verdict)
    only_elsewhere = factories.make_canonical("قالت", created_by=adjudicator, verdict_id="true")
    gold(elsewhere, "قالت", only_elsewhere)
    return {"numbers": numbers, "unverifiable": unverifiable, "only_elsewhere": only_elsewhere}


def assert_expands(compact: object, expanded: list) -> None:
    """Every key of the compact document expands to its schema.org IRI, value for value."""
    if isinstance(compact, list):
        assert len(expanded) == len(compact)
        for item, node in zip(compact, expanded, strict=True):
            assert_expands(item, [node])
        return
    (node,) = expanded
    if isinstance(compact, dict):
        assert node["@type"] == [S + compact["@type"]]
        assert set(node) == {"@type"} | {S + key for key in compact if key != "@type"}
        for key, value in compact.items():
            if key == "@type":
                continue
            values = node[S + key]
            if key == "url":
                assert values == [{"@id": value}]
            elif key == "datePublished":
                assert values == [{"@value": value, "@type": S + "Date"}]
            elif isinstance(value, (dict, list)):
                assert_expands(value, values)
            else:
                assert values == [{"@value": value}]


def test_claimreview_is_valid_json_ld_field_by_field(reviewed):
    numbers, unverifiable = reviewed["numbers"], reviewed["unverifiable"]
    document = export(project="Baghuz")
    assert document["@context"] == "https://schema.org"
    graph = document["@graph"]
    # One per canonical claim with a verdict seen in the project: not unassessed, none, or elsewhere only.
    assert [review["url"] for review in graph] == [f"{SITE}/canonical/{numbers.pk}/", f"{SITE}/canonical/{unverifiable.pk}/"]
    expanded = expand(document)
    assert len(expanded) == 2
    for review, node in zip(graph, expanded, strict=True):
        assert_expands(review, [node])
        assert node["@type"] == [S + "ClaimReview"]

    false, unsure = graph
    desk = {"@type": "Organization", "name": "مرصد التحقق", "url": "https://desk.example.org/"}
    assert false == {
        "@type": "ClaimReview",
        "url": f"{SITE}/canonical/{numbers.pk}/",
        "claimReviewed": "۳۰۰۰ نفر از باغوز خارج شدند",
        "inLanguage": "fa",
        "datePublished": "2019-03-08",
        "author": desk,
        "reviewRating": {"@type": "Rating", "alternateName": "نادرست", "ratingValue": 1, "bestRating": 6, "worstRating": 1},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "مصطفى بالي"},
            "appearance": [
                {"@type": "CreativeWork", "url": "https://isna.example/1", "headline": "خروج ۳۰۰۰ نفر",
                 "datePublished": "2019-03-06", "publisher": {"@type": "Organization", "name": "ایسنا"}},
                {"@type": "CreativeWork", "url": "https://reuters.example/ar", "headline": "غادروا الباغوز",
                 "datePublished": "2019-03-05", "publisher": {"@type": "Organization", "name": "رويترز"}},
                # No URL, outlet or date: the headline alone.
                {"@type": "CreativeWork", "headline": "بلا تاريخ"},
            ],
            "firstAppearance": {"@type": "CreativeWork", "url": "https://reuters.example/ar", "headline": "غادروا الباغوز",
                                "datePublished": "2019-03-05", "publisher": {"@type": "Organization", "name": "رويترز"}},
            "datePublished": "2019-03-05",
        },
    }
    unverifiable.refresh_from_db()
    assert unsure["reviewRating"] == {"@type": "Rating", "alternateName": "غير قابل للتحقق"}  # off the scale: no numbers
    assert unsure["inLanguage"] == "ar"
    assert unsure["datePublished"] == unverifiable.updated_at.date().isoformat()  # no verdict date: when last changed
    assert unsure["itemReviewed"]["author"] == {"@type": "Organization", "name": "رويترز"}
    assert unsure["itemReviewed"]["firstAppearance"] == {
        "@type": "CreativeWork", "url": "https://t.example/status/1", "datePublished": "2019-03-01"
    }
    assert unsure["itemReviewed"]["datePublished"] == "2019-03-01"
    assert unsure["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "headline": "بلا تاريخ"}]
    rating = expanded[1][S + "reviewRating"][0]
    assert set(rating) == {"@type", S + "alternateName"}


def test_all_projects_and_the_desk_language(reviewed, desk):
    everything = export()
    assert [review["url"].rsplit("/", 2)[1] for review in everything["@graph"]] == [
        str(reviewed[name].pk) for name in ("numbers", "unverifiable", "only_elsewhere")
    ]
    numbers = everything["@graph"][0]
    assert len(numbers["itemReviewed"]["appearance"]) == 4  # and the article in the other project
    # The desk's language, when set, names every verdict: Arabic here, Persian below.
    desk.ANNOTATIONS_DESK_LANGUAGE = "ar"
    assert [review["reviewRating"]["alternateName"] for review in export()["@graph"]] == ["زائف", "غير قابل للتحقق", "صحيح"]
    desk.ANNOTATIONS_DESK_LANGUAGE = "fa"
    assert [review["reviewRating"]["alternateName"] for review in export()["@graph"]] == ["نادرست", "غیرقابل‌راستی‌آزمایی", "درست"]
    desk.ANNOTATIONS_DESK_LANGUAGE = "en"
    assert [review["reviewRating"]["alternateName"] for review in export()["@graph"]] == ["False", "Unverifiable", "True"]


def test_the_scale_comes_from_the_vocabulary(reviewed):
    Verdict.objects.create(slug="pants_on_fire", label="Pants on fire", label_fa="دروغ محض", ordinal_rank=0, position=20)
    Verdict.objects.filter(slug="true").update(ordinal_rank=9)
    rating = export(project="Baghuz")["@graph"][0]["reviewRating"]
    assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (1, 0, 9)


def test_no_reviews_is_an_empty_graph(reviewed):
    CanonicalClaim.objects.update(verdict=None)
    document = export()
    assert document == {"@context": "https://schema.org", "@graph": []}
    assert expand(document) == []


def test_streams_in_constant_queries_per_chunk(desk, adjudicator, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 10)
    project = factories.make_project("Many")
    for i in range(25):
        article = factories.make_article(f"{AR_TEXT} {i}", project=project, external_id=f"a{i:02}", published_at=date(2019, 3, 1 + i))
        canonical = factories.make_canonical(f"ادعاء {i}", created_by=adjudicator, verdict_id="mostly_true")
        factories.link(canonical, factories.make_gold(article, adjudicator, "3000 شخص"))
    with CaptureQueriesContext(connection) as queries:
        document = json.loads("".join(exporting.stream("claimreview")))
    # The verdicts, one stream of canonical claims, and their articles per chunk of 10.
    assert len(queries.captured_queries) == 2 + 3
    assert len(document["@graph"]) == 25
    assert document["@graph"][24]["itemReviewed"]["datePublished"] == "2019-03-25"


def test_the_command_refuses_options_that_do_not_apply(reviewed):
    for options in ({"gold": True}, {"annotator": "adjudicator"}):
        with pytest.raises(CommandError, match="canonical claims"):
            export(**options)


def test_staff_download(reviewed, client, annotator, adjudicator, staff):
    url = reverse("export_download")
    query = {"format": "claimreview", "project": reviewed["numbers"].appearances.first().article.project_id}
    assert client.get(url, query).status_code == 302  # anonymous: to the login page
    for refused in (annotator, adjudicator):  # as every other download: staff only
        client.force_login(refused)
        assert client.get(url, query).status_code == 403
    client.force_login(staff)
    response = client.get(url, query)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claimreview-')
    assert response["Content-Disposition"].endswith('.jsonld"')
    document = json.loads(b"".join(response.streaming_content).decode("utf-8"))
    assert document == export(project="Baghuz")
    page = client.get(reverse("article_list")).content.decode()
    assert f'{url}?format=claimreview"' in page
