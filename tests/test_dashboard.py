"""The project dashboard: charts with values and legends, titles, and never-opened annotators apart."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations import reading
from annotations.models import Assignment

from . import factories

pytestmark = pytest.mark.django_db


def dashboard_page(client, user, project) -> str:
    client.force_login(user)
    response = client.get(reverse("project_dashboard", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}".*?</(table|figure)>', body, re.S).group()


def test_an_annotator_who_never_opened_is_not_counted_as_disagreeing(client, project, article, annotator, other_annotator, adjudicator):
    factories.assign(article, other_annotator)  # assigned, never opened, no claims
    factories.make_claim(article, annotator, "3000 شخص")
    data = reading.dashboard(project.articles.all(), project)
    assert data["articles"] == [] and [row["external_id"] for row in data["waiting"]] == ["baghuz-1"]
    assert data["waiting"][0]["not_opened"] == ["other"] and data["waiting"][0]["annotators"] == ["annotator"]
    assert data["figures"]["span_f1"]["overlap"] is None  # not 0: nobody disagreed yet
    body = dashboard_page(client, adjudicator, project)
    waiting = section(body, "waiting-articles")
    assert "الباغوز" in waiting and ">other<" in waiting
    assert 'id="article-chart"' not in body and "No article has been opened by every annotator" in body

    # Once opened, their missing claims are disagreement, and the article is ranked.
    Assignment.objects.filter(annotator=other_annotator).update(state=Assignment.State.IN_PROGRESS, started_at=timezone.now())
    data = reading.dashboard(project.articles.all(), project)
    assert data["waiting"] == [] and data["articles"][0]["span_f1_overlap"] == 0
    assert data["figures"]["span_f1"]["overlap"] == 0


def test_an_assignment_with_claims_counts_as_opened(project, article, annotator, other_annotator):
    factories.assign(article, other_annotator)  # still "assigned", but claims were loaded for them
    for user in (annotator, other_annotator):
        factories.make_claim(article, user, "3000 شخص")
    data = reading.dashboard(project.articles.all(), project)
    assert data["waiting"] == [] and data["articles"][0]["span_f1_overlap"] == 1


def test_charts_show_titles_values_legends_and_captions(client, project, article, adjudicator, two):
    body = dashboard_page(client, adjudicator, project)
    chart = section(body, "article-chart")
    assert "<caption>" in chart and "الباغوز" in chart and "baghuz-1" not in chart  # the title, not the id
    assert '<td class="value">1.00</td>' in chart  # both pairs overlap: written beside the bar
    annotators = section(body, "annotator-chart")
    assert "<caption>" in annotators and "1.00<br>0.50" in annotators  # span F1, then one verdict in two
    assert body.count('<ul class="legend">') == 3
    for label in ("Span F1, overlap", "Same verdict on matched claims", "not started"):
        assert label in body
    progress = section(body, "progress-chart")
    assert "<figcaption>" in progress and "submitted: 0" in progress and "not started: 2" in progress
    # Text is HTML text, styled by app.css (≥ 12px); the bars are decoration beside it.
    assert "font-size" not in body and 'style="' not in body and "#" not in "".join(re.findall(r'fill="[^"]*"', body))
    assert body.count('aria-hidden="true" focusable="false"') >= 2


def test_dashboard_queries_do_not_grow_with_articles(client, project, annotator, other_annotator, adjudicator):
    def count() -> int:
        client.force_login(adjudicator)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("project_dashboard", args=[project.pk])).status_code == 200
        return len(queries)

    def add_article(n: int) -> None:
        article = factories.make_article(f"قال المتحدث {n} إن 3000 شخص غادروا.", project=project, title=f"خبر {n}")
        factories.assign(article, annotator)
        factories.assign(article, other_annotator)
        factories.make_claim(article, annotator, "3000 شخص")

    add_article(1)
    one = count()
    for n in range(2, 7):
        add_article(n)
    assert count() == one


def test_hidden_names_hold_for_annotators_who_never_opened(client, project, article, annotator, other_annotator, adjudicator):
    project.show_annotator_names = False
    project.save()
    factories.assign(article, other_annotator)
    body = dashboard_page(client, adjudicator, project)
    waiting = section(body, "waiting-articles")
    assert reading.pseudonym(project.pk, "other") in waiting and ">other<" not in waiting


def test_the_csv_lists_waiting_articles_with_who_has_not_opened(client, project, article, annotator, other_annotator, adjudicator):
    factories.assign(article, other_annotator)
    client.force_login(adjudicator)
    response = client.get(reverse("project_dashboard", args=[project.pk]), {"format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].endswith(",gold,not_opened") and lines[1].startswith("baghuz-1,الباغوز,") and lines[1].endswith(",annotator other")  # neither opened it


@pytest.mark.parametrize("who", ["annotator", None])
def test_refused_to_annotators_and_anonymous(client, project, article, annotator, who):
    if who:
        client.force_login(annotator)
    response = client.get(reverse("project_dashboard", args=[project.pk]))
    assert response.status_code == (403 if who else 302)
