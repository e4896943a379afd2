"""Suggestions: the model, import_suggestions, the attribution suggester, the page's actions, exports, dashboard."""

import json
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from annotations import agreement, exporting, reading
from annotations import text as textlib
from annotations.models import Claim, Suggestion, SuggestionDecision
from annotations.suggesting import Proposal, Suggester, get_suggester
from annotations.suggesting.attribution import AttributionSuggester

from . import factories

HTMX = {"HTTP_HX_REQUEST": "true"}
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def make_suggestion(article, quote, **fields) -> Suggestion:
    start = factories.find(article, quote)
    values = {
        "suggester": "attribution", "model_version": "1", "score": 0.9, "claim_type_id": "numerical",
        "check_worthiness_id": "check_worthy", "attribution_id": "paraphrase", "rationale": "frame: قال",
    }
    values.update(fields)
    return Suggestion.objects.create(article=article, start=start, end=start + len(quote), quote=quote, **values)


def write(tmp_path, lines, name="s.jsonl") -> str:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    return str(path)


# The pure conversion -------------------------------------------------------------------------


@given(st.text(), st.data())
def test_utf16_to_codepoint_inverts_codepoint_to_utf16(text, data):
    cp = data.draw(st.integers(0, len(text)))
    assert textlib.utf16_to_codepoint(text, textlib.codepoint_to_utf16(text, cp)) == cp


def test_utf16_offsets_inside_a_pair_or_outside_are_refused():
    text = "😀ab"
    assert textlib.utf16_to_codepoint(text, 2) == 1
    for offset, code in ((1, "splits_pair"), (5, "out_of_range"), (-1, "out_of_range"), ("2", "not_integer")):
        with pytest.raises(textlib.TextError) as refused:
            textlib.utf16_to_codepoint(text, offset)
        assert refused.value.code == code


# The model ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestModel:
    def test_constraints(self, article):
        good = make_suggestion(article, "3000 شخص")
        for bad in ({"start": good.end, "end": good.start, "model_version": "x"}, {"score": 1.5, "model_version": "y"}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Suggestion.objects.create(**{**{f.attname: getattr(good, f.attname) for f in Suggestion._meta.concrete_fields if f.name != "id"}, **bad})
        # the same suggester version on the same span is stored once
        with pytest.raises(IntegrityError), transaction.atomic():
            make_suggestion(article, "3000 شخص")

    def test_one_annotators_decision_does_not_hide_it_from_another(self, article, annotator, other_annotator):
        suggestion = make_suggestion(article, "3000 شخص")
        SuggestionDecision.objects.create(suggestion=suggestion, annotator=annotator, outcome="rejected")
        assert not Suggestion.objects.undecided_by(annotator).exists()
        assert list(Suggestion.objects.undecided_by(other_annotator)) == [suggestion]


# import_suggestions ---------------------------------------------------------------------------

EMOJI_TEXT = "😀 قال المتحدث إن 3000 شخص غادروا 🎉 الباغوز."


@pytest.mark.django_db
class TestImport:
    def line(self, article, quote, **fields):
        start = factories.find(article, quote)
        return {
            "external_id": article.external_id, "start": start, "end": start + len(quote), "quote": quote,
            "labels": {"claim_type": "numerical", "attribution": "paraphrase"}, "model": "ner-x", "model_version": "2",
            "score": 0.7, "rationale": "a number", **fields,
        }

    def test_utf16_offsets_are_converted_and_rerun_adds_nothing(self, tmp_path, project):
        article = factories.make_article(EMOJI_TEXT, project=project, external_id="emoji")
        cp = self.line(article, "3000 شخص")
        u16 = {**cp, "start": textlib.codepoint_to_utf16(article.text, cp["start"]), "end": textlib.codepoint_to_utf16(article.text, cp["end"])}
        assert u16["start"] == cp["start"] + 1  # the emoji before the span is two UTF-16 units
        path = write(tmp_path, [{"offset_unit": "utf16"}, u16])
        call_command("import_suggestions", path, stdout=StringIO())
        stored = Suggestion.objects.get()
        assert (stored.start, stored.end, stored.quote) == (cp["start"], cp["end"], "3000 شخص")
        assert article.text[stored.start : stored.end] == stored.quote
        assert (stored.suggester, stored.model_version, stored.claim_type_id, stored.check_worthiness_id) == ("ner-x", "2", "numerical", None)
        out = StringIO()
        call_command("import_suggestions", path, stdout=out)
        assert Suggestion.objects.count() == 1 and "1 already present" in out.getvalue()

    def test_the_lines_own_unit_and_the_option(self, tmp_path, project):
        article = factories.make_article(EMOJI_TEXT, project=project, external_id="emoji")
        cp = self.line(article, "3000 شخص")
        u16 = {**cp, "start": cp["start"] + 1, "end": cp["end"] + 1}
        call_command("import_suggestions", write(tmp_path, [u16]), "--offset-unit", "utf16", stdout=StringIO())
        call_command("import_suggestions", write(tmp_path, [{**cp, "model_version": "3", "offset_unit": "codepoint"}], "b.jsonl"), "--offset-unit", "utf16", stdout=StringIO())
        assert {(s.start, s.model_version) for s in Suggestion.objects.all()} == {(cp["start"], "2"), (cp["start"], "3")}

    def test_code_points_given_as_utf16_are_refused_not_shifted(self, tmp_path, project):
        article = factories.make_article(EMOJI_TEXT, project=project, external_id="emoji")
        path = write(tmp_path, [{**self.line(article, "3000 شخص"), "offset_unit": "utf16"}])
        err = StringIO()
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("import_suggestions", path, stdout=StringIO(), stderr=err)
        assert "s.jsonl, row 1" in err.getvalue() and "does not match" in err.getvalue()
        assert not Suggestion.objects.exists()

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            ({"quote": "3000"}, "does not match"),
            ({"score": 2}, "score"),
            ({"labels": {"claim_type": "nonsense"}}, "claim_type"),
            ({"external_id": "missing"}, "no article"),
            ({"offset_unit": "bytes"}, "offset_unit"),
            ({"start": "1"}, "whole number"),
        ],
    )
    def test_one_bad_line_loads_nothing(self, tmp_path, article, change, reason):
        good = self.line(article, "مصطفى بالي")
        path = write(tmp_path, [good, {**self.line(article, "3000 شخص"), **change}])
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("import_suggestions", path, stdout=StringIO(), stderr=err)
        assert "row 2" in err.getvalue() and reason in err.getvalue()
        assert not Suggestion.objects.exists()

    def test_dry_run_writes_nothing(self, tmp_path, article):
        out = StringIO()
        call_command("import_suggestions", write(tmp_path, [self.line(article, "3000 شخص")]), "--dry-run", stdout=out)
        assert "1 suggestion(s) are valid" in out.getvalue() and not Suggestion.objects.exists()


# The attribution suggester ---------------------------------------------------------------------


def seed(name):
    text = textlib.decode_bytes((SEEDS / f"{name}.txt").read_bytes()).text
    return SimpleNamespace(text=text, language=textlib.detect_language(text), external_id=name)


def in_language(language: str, message: str, words: str) -> str:
    """A rationale label as the catalogue of `language` writes it (checked to be translated)."""
    with translation.override(language):
        translated = gettext(message) % {"words": words}
    assert translated != message % {"words": words}
    return translated


class TestAttributionSuggester:
    def test_is_a_suggester(self):
        assert isinstance(AttributionSuggester(), Suggester)

    def test_finds_the_reuters_3000_figure(self):
        found = [p for p in AttributionSuggester().suggest(seed("000_7b2440a1b41ed335")) if "۳۰۰۰" in p.quote]
        assert len(found) == 1
        proposal = found[0]
        assert "رویترز" in proposal.quote and in_language("fa", "relayed by: %(words)s", "خبرگزاری رویترز") in proposal.rationale
        assert proposal.source_name == "یک سخنگوی نظامی" and proposal.source_kind == "unnamed_source"
        assert proposal.claim_type == "numerical" and proposal.attribution == "unattributed"

    def test_finds_the_syrian_observatory_4900_statements(self):
        article = seed("004_7d9db1b0e6b1bccf")
        found = [p for p in AttributionSuggester().suggest(article) if "4900" in p.quote]
        assert [p.source_name for p in found] == ["المرصد السوري لحقوق الإنسان", "مدير المرصد رامي عبد الرحمن"]
        assert all(p.source_kind == "organisation" and in_language("ar", "number: %(words)s", "4900") in p.rationale for p in found)
        for p in found:
            assert article.text[p.start : p.end] == p.quote
            assert article.text[p.source_start : p.source_end] == p.source_name
            assert textlib.snap_span(article.text, p.start, p.end) == (p.start, p.end)

    def test_deterministic(self):
        for path in sorted(SEEDS.glob("*.txt")):
            article = seed(path.stem)
            assert list(AttributionSuggester().suggest(article)) == list(AttributionSuggester().suggest(article))

    @pytest.mark.parametrize(
        "sentence",
        [
            "غادر 3000 شخص الباغوز أمس.",  # a number, no frame
            "قال المتحدث إن المعركة انتهت.",  # a frame, no number
            "۳۰۰۰ نفر از الباغوز خارج شدند.",
            "انتهای پیام",
        ],
    )
    def test_nothing_without_both_a_frame_and_a_number(self, sentence):
        article = SimpleNamespace(text=sentence, language=textlib.detect_language(sentence))
        assert list(AttributionSuggester().suggest(article)) == []

    def test_number_words_and_persian_digits(self):
        for sentence, number in (("وقال المرصد إن آلاف المدنيين غادروا.", "آلاف"), ("این منبع گفت: ۱۵۰ تن تسلیم شدند.", "۱۵۰")):
            article = SimpleNamespace(text=sentence, language=textlib.detect_language(sentence))
            (proposal,) = AttributionSuggester().suggest(article)
            assert in_language(article.language, "number: %(words)s", number) in proposal.rationale and proposal.score <= 0.95

    def test_the_rationale_is_in_the_articles_language_or_english(self):
        sentence = "قال المتحدث إن 3000 شخص غادروا الباغوز."
        arabic = list(AttributionSuggester().suggest(SimpleNamespace(text=sentence, language="ar")))[0].rationale
        other = list(AttributionSuggester().suggest(SimpleNamespace(text=sentence, language="ku")))[0].rationale
        assert other.startswith("frame: قال;") and "number: 3000" in other
        assert arabic.startswith(in_language("ar", "frame: %(words)s", "قال")) and arabic != other


@pytest.mark.django_db
def test_suggest_claims_is_idempotent_and_a_new_version_adds_its_own(project, monkeypatch):
    article = factories.make_article(seed("004_7d9db1b0e6b1bccf").text, project=project, external_id="004")
    call_command("suggest_claims", "--suggester", "attribution", "--project", project.name, stdout=StringIO())
    first = Suggestion.objects.count()
    assert first >= 2 and all(s.article_id == article.pk and s.suggester == "attribution" for s in Suggestion.objects.all())
    call_command("suggest_claims", "--suggester", "attribution", stdout=StringIO())
    assert Suggestion.objects.count() == first
    monkeypatch.setattr(AttributionSuggester, "version", "2")
    call_command("suggest_claims", "--suggester", "attribution", stdout=StringIO())
    assert Suggestion.objects.count() == 2 * first
    with pytest.raises(CommandError, match="no suggester named"):
        call_command("suggest_claims", "--suggester", "nope", stdout=StringIO())


class OneSpan:
    """A desk's own suggester, registered through ANNOTATIONS_SUGGESTERS."""

    name, version = "one-span", "0.1"

    def suggest(self, article):
        yield Proposal(start=0, end=3, quote=article.text[:3], score=0.5)


@pytest.mark.django_db
def test_a_registered_suggester_runs(settings, article):
    settings.ANNOTATIONS_SUGGESTERS = {"one-span": "tests.test_suggestions.OneSpan"}
    assert get_suggester("one-span").version == "0.1"
    call_command("suggest_claims", "--suggester", "one-span", stdout=StringIO())
    assert Suggestion.objects.get().quote == article.text[:3]


# The annotation page --------------------------------------------------------------------------


@pytest.mark.django_db
class TestPage:
    def test_panel_lists_only_my_undecided_suggestions(self, client, article, annotator, other_annotator):
        factories.assign(article, other_annotator)
        mine, theirs = make_suggestion(article, "3000 شخص"), make_suggestion(article, "مصطفى بالي")
        SuggestionDecision.objects.create(suggestion=theirs, annotator=other_annotator, outcome="rejected")
        client.force_login(annotator)
        page = client.get(article.get_absolute_url()).content.decode()
        assert f'id="suggestion-{mine.pk}"' in page and f'id="suggestion-{theirs.pk}"' in page
        assert "suggestions.js" in page
        client.force_login(other_annotator)
        page = client.get(article.get_absolute_url()).content.decode()
        assert f'id="suggestion-{mine.pk}"' in page and f'id="suggestion-{theirs.pk}"' not in page

    def test_accept_makes_my_claim_with_provenance(self, client, article, annotator):
        suggestion = make_suggestion(article, "3000 شخص", score=0.66)
        client.force_login(annotator)
        response = client.post(reverse("suggestion_accept", args=[suggestion.pk]), **HTMX)
        body = response.content.decode()
        assert response.status_code == 200 and 'id="suggestion-list"' in body and 'id="claim-list"' in body
        claim = Claim.objects.get()
        assert (claim.annotator, claim.suggestion, claim.quote) == (annotator, suggestion, "3000 شخص")
        assert claim.suggestion_provenance == {"model": "attribution", "model_version": "1", "score": 0.66}
        assert claim.verification_status_id == "unassessed" and claim.prefix == article.text[: claim.start][-32:]
        assert SuggestionDecision.objects.get().claim == claim
        # twice: refused, nothing more
        again = client.post(reverse("suggestion_accept", args=[suggestion.pk]), **HTMX)
        assert again.status_code == 409 and Claim.objects.count() == 1
        # the suggestion row goes; the claim keeps where it came from
        suggestion.delete()
        claim.refresh_from_db()
        assert claim.suggestion is None and claim.suggestion_provenance["model"] == "attribution"

    def test_accept_without_htmx_redirects(self, client, article, annotator):
        suggestion = make_suggestion(article, "3000 شخص")
        client.force_login(annotator)
        assert client.post(reverse("suggestion_accept", args=[suggestion.pk])).status_code == 302
        assert Claim.objects.count() == 1

    def test_a_suggestion_without_labels_needs_edit(self, client, article, annotator):
        suggestion = make_suggestion(article, "3000 شخص", claim_type_id=None)
        client.force_login(annotator)
        response = client.post(reverse("suggestion_accept", args=[suggestion.pk]), **HTMX)
        assert response.status_code == 400 and "Edit" in response.content.decode() and not Claim.objects.exists()

    def test_reject_hides_it_from_me_only(self, client, article, annotator, other_annotator):
        factories.assign(article, other_annotator)
        suggestion = make_suggestion(article, "3000 شخص")
        client.force_login(annotator)
        response = client.post(reverse("suggestion_reject", args=[suggestion.pk]), **HTMX)
        assert response.status_code == 200 and f"suggestion-{suggestion.pk}" not in response.content.decode()
        assert SuggestionDecision.objects.get().outcome == "rejected" and not Claim.objects.exists()
        assert client.post(reverse("suggestion_reject", args=[suggestion.pk]), **HTMX).status_code == 409

    def test_edit_fills_the_form_and_saving_keeps_provenance(self, client, article, annotator):
        suggestion = make_suggestion(article, "3000 شخص", source_name="مصطفى بالي", source_kind="person")
        client.force_login(annotator)
        form = client.get(reverse("suggestion_edit", args=[suggestion.pk]), **HTMX).content.decode()
        assert form.startswith("<form") or 'id="claim-form"' in form
        assert f'name="suggestion" value="{suggestion.pk}"' in form and 'value="3000 شخص"' in form
        page = client.get(reverse("suggestion_edit", args=[suggestion.pk]))
        assert page.status_code == 200 and 'id="article-text"' in page.content.decode()
        data = factories.claim_post(article, "3000", suggestion=suggestion.pk, verification_status="false")
        response = client.post(reverse("claim_create", args=[article.pk]), data, **HTMX)
        body = response.content.decode()
        assert response.status_code == 200 and 'id="id_suggestion"' in body and f"suggestion-{suggestion.pk}" not in body
        claim = Claim.objects.get()
        assert (claim.quote, claim.suggestion, claim.suggestion_model) == ("3000", suggestion, "attribution")

    def test_a_suggestion_of_another_article_is_refused_in_the_form(self, client, article, annotator, project):
        other = factories.make_article("قال مصدر إن 3000 غادروا.", project=project)
        suggestion = make_suggestion(other, "3000")
        client.force_login(annotator)
        data = factories.claim_post(article, "3000", suggestion=suggestion.pk)
        response = client.post(reverse("claim_create", args=[article.pk]), data, **HTMX)
        assert 'data-code="bad_suggestion"' in response.content.decode() and not Claim.objects.exists()

    def test_accept_all_above_a_score_is_all_or_nothing(self, client, article, annotator):
        high, low = make_suggestion(article, "3000 شخص", score=0.9), make_suggestion(article, "مصطفى بالي", score=0.3)
        broken = make_suggestion(article, "الباغوز", score=0.95, attribution_id=None)
        client.force_login(annotator)
        url = reverse("suggestions_accept_above", args=[article.pk])
        response = client.post(url, {"min_score": "0.8"}, **HTMX)
        assert response.status_code == 400 and not Claim.objects.exists()
        broken.delete()
        response = client.post(url, {"min_score": "0.8"}, **HTMX)
        assert response.status_code == 200
        assert [c.suggestion for c in Claim.objects.all()] == [high]
        assert client.post(url, {"min_score": "abc"}, **HTMX).status_code == 400
        assert low.decisions.count() == 0

    @pytest.mark.parametrize("who", ["unassigned", "submitted", "adjudicator"])
    def test_refused_roles(self, client, article, annotator, adjudicator, who):
        suggestion = make_suggestion(article, "3000 شخص")
        user = factories.make_user() if who == "unassigned" else adjudicator if who == "adjudicator" else annotator
        if who == "submitted":
            article.assignments.filter(annotator=annotator).update(state="submitted")
        client.force_login(user)
        for name, args, method in (
            ("suggestion_accept", [suggestion.pk], "post"), ("suggestion_reject", [suggestion.pk], "post"),
            ("suggestion_edit", [suggestion.pk], "get"), ("suggestions_accept_above", [article.pk], "post"),
        ):
            response = getattr(client, method)(reverse(name, args=args), {"min_score": "0"}, **HTMX)
            assert response.status_code in (403, 404), (name, response.status_code)
        assert not Claim.objects.exists() and not SuggestionDecision.objects.exists()
        page = client.get(article.get_absolute_url())
        assert page.status_code == 404 or f"suggestion-{suggestion.pk}" not in page.content.decode()


# Agreement, exports, dashboard ------------------------------------------------------------------


@pytest.mark.django_db
def test_accepted_suggestions_count_as_the_annotators_claims_and_suggestions_do_not(article, annotator, other_annotator):
    factories.assign(article, other_annotator)
    suggestion = make_suggestion(article, "3000 شخص")
    data = reading.agreement_articles(type(article).objects.filter(pk=article.pk))
    assert sum(len(spans) for spans in data[0].claims.values()) == 0 and "attribution" not in data[0].claims
    from annotations.forms import ClaimForm, suggestion_values
    from annotations.workflow import create_claim

    form = ClaimForm(suggestion_values(suggestion), article=article)
    assert form.is_valid(), form.errors
    create_claim(user=annotator, article=article, data=form.cleaned_data)
    factories.make_claim(article, other_annotator, "3000 شخص")
    data = reading.agreement_articles(type(article).objects.filter(pk=article.pk))
    assert agreement.article_figures(data[0])["span_f1"]["exact"] == 1.0


@pytest.mark.django_db
def test_exports_carry_provenance(article, annotator, adjudicator):
    suggestion = make_suggestion(article, "3000 شخص", score=0.5)
    accepted = factories.make_claim(
        article, annotator, "3000 شخص", suggestion=suggestion, suggestion_model="attribution", suggestion_model_version="1", suggestion_score=0.5
    )
    factories.make_claim(article, annotator, "مصطفى بالي")
    claims = json.loads("".join(exporting.stream("json")))["articles"][0]["claims"]
    assert [c["suggestion"] for c in claims] == [None, {"model": "attribution", "model_version": "1", "score": 0.5}]
    line = json.loads(next(iter(exporting.stream("jsonl"))))
    assert line["claims"][1]["suggestion"]["model"] == "attribution"
    rows = "".join(exporting.stream("csv")).splitlines()
    assert rows[0].endswith("canonical_claim,suggestion_model,suggestion_model_version,suggestion_score")
    assert rows[2].endswith(",attribution,1,0.5")
    factories.make_gold(article, adjudicator, "3000 شخص", from_claims=[accepted])
    gold = json.loads("".join(exporting.stream("json", gold=True)))["articles"][0]["claims"][0]
    assert gold["from_claims"][0]["suggestion"] == {"model": "attribution", "model_version": "1", "score": 0.5}


@pytest.mark.django_db
def test_provenance_loads_back(tmp_path, article, annotator):
    factories.make_claim(article, annotator, "3000 شخص", suggestion_model="m", suggestion_model_version="v", suggestion_score=0.25)
    exported = "".join(exporting.stream("json"))
    Claim.objects.all().delete()
    path = tmp_path / "backup.json"
    path.write_text(exported, encoding="utf-8")
    call_command("import_annotations", str(path), stdout=StringIO())
    assert Claim.objects.get().suggestion_provenance == {"model": "m", "model_version": "v", "score": 0.25}


@pytest.mark.django_db
def test_dashboard_shows_precision_and_recall_against_gold(client, project, article, adjudicator):
    make_suggestion(article, "3000 شخص")  # matches the gold claim on "3000"
    make_suggestion(article, "مصطفى بالي")  # no gold there
    factories.make_gold(article, adjudicator, "3000")
    factories.make_gold(article, adjudicator, "3000 استسلموا")
    other = factories.make_article("قال مصدر إن 3000 غادروا.", project=project)
    make_suggestion(other, "3000")  # an article without gold does not count
    (row,) = reading.suggester_figures(project.articles.all())
    assert (row["suggestions"], row["gold"], row["matched"], row["exact"]) == (2, 2, 1, 0)
    assert row["precision"] == 0.5 and row["recall"] == 0.5
    client.force_login(adjudicator)
    page = client.get(reverse("project_dashboard", args=[project.pk])).content.decode()
    assert 'id="suggester-figures"' in page and "0.500" in page
