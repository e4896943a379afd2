"""The quick start's demo: both demo annotators' claims on an Arabic and a Persian seed, gold on the
Persian one, so agreement, adjudication and compare-with-gold show something at once."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from annotations import reading
from annotations.management.commands import setup_demo
from annotations.models import Article, Assignment, Claim, GoldClaim, Project, Suggestion

pytestmark = pytest.mark.django_db
ARABIC, PERSIAN = setup_demo.READY_TO_ADJUDICATE


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # setup_demo creates known passwords: development only
    call_command("import_articles", str(settings.BASE_DIR / "seeds"), stdout=StringIO())
    call_command("setup_demo", stdout=StringIO())
    return Project.objects.get()


def user(username):
    return get_user_model().objects.get(username=username)


def test_both_annotators_have_claims_on_an_arabic_and_a_persian_seed(demo):
    for external_id, language in ((ARABIC, "ar"), (PERSIAN, "fa")):
        article = Article.objects.get(external_id=external_id)
        assert article.language == language
        claims = Claim.objects.filter(article=article)
        assert set(claims.values_list("annotator__username", flat=True)) == {"annotator", "annotator2"}
        assert all(article.text[c.start : c.end] == c.quote for c in claims)
        assert set(Assignment.objects.filter(article=article).values_list("state", flat=True)) == {"submitted"}
    for gold in GoldClaim.objects.select_related("article"):
        assert gold.article.text[gold.start : gold.end] == gold.quote and gold.article.external_id == PERSIAN


def test_agreement_has_figures_for_both_seeds_partly_agreeing(demo):
    rows = {row["external_id"]: row for row in reading.dashboard(demo.articles.all(), demo)["articles"]}
    for external_id in (ARABIC, PERSIAN):
        assert 0 < rows[external_id]["span_f1_exact"] < 1 and 0 < rows[external_id]["span_f1_overlap"] <= 1
        assert rows[external_id]["annotators"] == ["annotator", "annotator2"]
    assert rows[PERSIAN]["gold"] == 4 and rows[ARABIC]["gold"] == 0


def test_the_dashboard_and_adjudication_pages_show_them(demo, client):
    client.force_login(user("adjudicator"))
    dashboard = client.get(reverse("project_dashboard", args=[demo.pk])).content.decode()
    assert 'id="article-chart"' in dashboard and "مقتل العشرات واستسلام المئات" in dashboard
    for external_id, pending in ((ARABIC, True), (PERSIAN, False)):
        article = Article.objects.get(external_id=external_id)
        page = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
        for status in ("agree", "partial", "single"):
            assert f'class="group {status}{"" if pending else " decided"}"' in page
        assert GoldClaim.objects.filter(article=article).exists() is not pending


def test_compare_with_gold_shows_differences_at_once(demo, client):
    article = Article.objects.get(external_id=PERSIAN)
    client.force_login(user("annotator"))
    page = client.get(reverse("article_compare", args=[article.pk])).content.decode()
    assert "✓ same" in page  # the claim both made, kept as they made it
    missed = page.split('id="missed"')[1].split("</ul>")[0]
    assert "فسفر سفید" in missed  # the claim only the other annotator tagged
    client.force_login(user("annotator2"))
    page = client.get(reverse("article_compare", args=[article.pk])).content.decode()
    matched = page.split('id="matched"')[1].split("</table>")[0]
    assert '<span class="badge partial">span</span>' in matched  # their longer span was cut in gold
    assert '<span class="badge partial">Verdict</span>' in matched  # and one verdict differs


def test_running_setup_again_changes_nothing(demo):
    def state():
        return (
            sorted(Claim.objects.values_list("pk", "version")),
            sorted(GoldClaim.objects.values_list("pk", "version")),
            sorted(Assignment.objects.values_list("pk", "state", "submitted_at")),
            Claim.history.count(),
            GoldClaim.history.count(),
            sorted(Suggestion.objects.values_list("pk", "start", "end")),
        )

    assert Suggestion.objects.exists()  # the built-in suggester ran on the open articles
    before = state()
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert state() == before
    assert "demo claim" not in out.getvalue() and "Loaded 0 suggestion(s); " in out.getvalue()


def test_the_demo_files_are_checked_like_import_annotations(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    call_command("import_articles", str(settings.BASE_DIR / "seeds"), stdout=StringIO())
    data = json.loads(setup_demo.DEMO_ANNOTATIONS.read_text(encoding="utf-8"))
    data["articles"][1]["claims"][-1]["quote"] += "x"  # no longer text[start:end]
    broken = tmp_path / "annotations.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(setup_demo, "DEMO_ANNOTATIONS", broken)
    with pytest.raises(CommandError, match="claim"):
        call_command("setup_demo", stdout=StringIO())
    assert not Claim.objects.exists() and not GoldClaim.objects.exists()
