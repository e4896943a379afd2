"""Canonical claims: linking, dismissing, editing with the version check, the evidence discipline,
who sees what (pages and htmx partials), and constant query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from annotations import workflow
from annotations.forms import CanonicalClaimForm
from annotations.models import Appearance, Assignment, CanonicalClaim, Evidence, MatchDismissal, Verdict

from . import factories

PERSIAN = "مصطفی بالی گفت طی ۲۴ ساعت ۳۰۰۰ تروریست داعشی خود را در الباغوز تسلیم کردند.\nانتهای پیام"
ARABIC = "قال مصطفى بالي لوكالة رويترز إن ٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة."
FA_QUOTE = "طی ۲۴ ساعت ۳۰۰۰ تروریست داعشی خود را در الباغوز تسلیم کردند"
AR_QUOTE = "٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true")


@pytest.fixture
def desk(db, project, annotator, other_annotator, adjudicator):
    """A Persian and an Arabic article, both assigned to two annotators, each annotator with a claim
    on each, and a gold claim on the Arabic one; the project lets annotators link claims."""
    project.annotators_link_claims = True
    project.save()
    persian = factories.make_article(PERSIAN, project=project, external_id="fa-1", language="fa", published_at=datetime.date(2019, 3, 12))
    arabic = factories.make_article(ARABIC, project=project, external_id="ar-1", language="ar", published_at=datetime.date(2019, 3, 10))
    for article in (persian, arabic):
        for user in (annotator, other_annotator):
            factories.assign(article, user)
    claims = {
        (user.username, lang): factories.make_claim(article, user, quote, verification_status_id=verdict)
        for user, verdict in ((annotator, "true"), (other_annotator, "false"))
        for lang, article, quote in (("fa", persian, FA_QUOTE), ("ar", arabic, AR_QUOTE))
    }
    gold = factories.make_gold(arabic, adjudicator, AR_QUOTE)
    return {"persian": persian, "arabic": arabic, "claims": claims, "gold": gold}


class TestWorkflow:
    def test_create_from_a_gold_claim_then_link_a_claim_in_the_other_language(self, desk, adjudicator, annotator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        assert canonical.statement == AR_QUOTE and canonical.language == "ar" and canonical.created_by == adjudicator
        appearance = workflow.link_claim(user=annotator, canonical=canonical, target=desk["claims"]["annotator", "fa"])
        assert appearance.linked_by == annotator and appearance.article == desk["persian"]
        assert appearance.history.count() == 1  # who linked what, when: kept in the history too
        assert {a.article.language for a in canonical.appearances.all()} == {"ar", "fa"}

    def test_linking_again_changes_nothing_and_a_claim_linked_elsewhere_is_refused(self, desk, adjudicator):
        claim = desk["claims"]["annotator", "fa"]
        first = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        second = workflow.create_canonical(user=adjudicator, target=desk["claims"]["other", "ar"])
        workflow.link_claim(user=adjudicator, canonical=first, target=claim)
        workflow.link_claim(user=adjudicator, canonical=first, target=claim)
        with pytest.raises(workflow.AlreadyLinked) as refused:
            workflow.link_claim(user=adjudicator, canonical=second, target=claim)
        assert first.statement[:20] in str(refused.value)
        assert Appearance.objects.get(claim=claim).canonical == first
        # Moving is explicit.
        workflow.link_claim(user=adjudicator, canonical=second, target=claim, move=True)
        assert Appearance.objects.get(claim=claim).canonical == second
        with pytest.raises(workflow.AlreadyLinked):
            workflow.create_canonical(user=adjudicator, target=claim)

    def test_unlink_and_dismissal_permanence(self, desk, adjudicator, annotator):
        from annotations import matching

        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        claim = desk["claims"]["annotator", "fa"]
        assert [c.canonical for c in matching.candidates(claim)] == [canonical]
        workflow.dismiss_match(user=annotator, canonical=canonical, target=claim)
        workflow.dismiss_match(user=annotator, canonical=canonical, target=claim)  # twice: one record
        assert MatchDismissal.objects.filter(claim=claim).count() == 1
        assert matching.candidates(claim) == []
        # It stays dismissed when the canonical claim changes and gains appearances.
        workflow.link_claim(user=adjudicator, canonical=canonical, target=desk["claims"]["other", "fa"])
        assert matching.candidates(claim) == []
        appearance = Appearance.objects.get(claim=desk["claims"]["other", "fa"])
        workflow.unlink(user=adjudicator, appearance=appearance)
        assert not Appearance.objects.filter(pk=appearance.pk).exists()
        workflow.unlink(user=adjudicator, appearance=appearance)  # gone already: nothing to do

    def test_dismissing_the_linked_canonical_claim_is_refused(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        with pytest.raises(workflow.LinkRefused):
            workflow.dismiss_match(user=adjudicator, canonical=canonical, target=desk["gold"])

    def test_who_may_link(self, desk, project, annotator, other_annotator, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        mine, theirs = desk["claims"]["annotator", "fa"], desk["claims"]["other", "fa"]
        with pytest.raises(PermissionDenied):
            workflow.link_claim(user=annotator, canonical=canonical, target=desk["gold"])  # gold: adjudicators only
        with pytest.raises(PermissionDenied):
            workflow.link_claim(user=annotator, canonical=canonical, target=theirs)  # not their claim
        workflow.link_claim(user=adjudicator, canonical=canonical, target=theirs)  # adjudicators may
        project.annotators_link_claims = False
        project.save()
        mine.article.project.refresh_from_db()
        with pytest.raises(PermissionDenied):
            workflow.link_claim(user=annotator, canonical=canonical, target=mine)
        with pytest.raises(PermissionDenied):
            workflow.create_canonical(user=annotator, target=mine)

    def test_an_edit_from_a_stale_version_is_refused(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        data = _edit(canonical, statement="3,000 IS members surrendered in al-Baghuz within 24 hours", language="en")
        workflow.update_canonical(user=adjudicator, canonical=canonical, data=data)
        with pytest.raises(workflow.StaleCanonical) as stale:
            workflow.update_canonical(user=adjudicator, canonical=canonical, data={**data, "statement": "lost edit"})
        assert stale.value.current.version == 2
        canonical.refresh_from_db()
        assert canonical.statement.startswith("3,000") and canonical.version == 2

    def test_keys_follow_an_edit_of_a_linked_claim_and_its_deletion(self, desk, adjudicator, annotator):
        from annotations.models import MatchKey

        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        claim = desk["claims"]["annotator", "fa"]
        workflow.link_claim(user=annotator, canonical=canonical, target=claim)
        assert MatchKey.objects.filter(canonical=canonical, key="w:تروريست").exists()
        workflow.delete_claim(user=annotator, claim=claim, version=claim.version)
        assert not MatchKey.objects.filter(canonical=canonical, key="w:تروريست").exists()
        assert canonical.appearances.count() == 1


def _edit(canonical, **changes) -> dict:
    """The cleaned data of the page's edit form for a canonical claim, with changes."""
    form_data = {
        "statement": canonical.statement, "language": canonical.language, "translation": canonical.translation,
        "translation_language": canonical.translation_language, "source_name": "", "source_kind": "person",
        "verdict": canonical.verdict_id or "unassessed", "verdict_override_note": canonical.verdict_override_note,
        "first_appearance_url": "", "first_appeared_on": "", "note": canonical.note, "version": canonical.version,
    }
    form_data.update(changes)
    form = CanonicalClaimForm(form_data, instance=canonical, dated_evidence=Evidence.objects.filter(canonical=canonical, published_on__isnull=False).exists())
    assert form.is_valid(), form.errors
    return form.cleaned_data


class TestEvidenceDiscipline:
    def test_a_final_verdict_needs_dated_evidence_or_a_note(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        form = CanonicalClaimForm({**_form(canonical), "verdict": "false"}, instance=canonical, dated_evidence=False)
        assert not form.is_valid() and form.errors.as_data()["verdict"][0].code == "evidence_required"
        for verdict in ("unverifiable", "not_checkable", "unassessed"):
            assert CanonicalClaimForm({**_form(canonical), "verdict": verdict}, instance=canonical).is_valid()
        assert CanonicalClaimForm({**_form(canonical), "verdict": "false", "verdict_override_note": "The ministry confirmed by phone."}, instance=canonical).is_valid()
        # The workflow holds the same rule whatever the form said.
        data = _edit(canonical, verdict="unverifiable")
        data["verdict"] = Verdict.objects.get(pk="false")
        with pytest.raises(workflow.EvidenceRequired):
            workflow.update_canonical(user=adjudicator, canonical=canonical, data=data)
        # Undated evidence does not count; dated evidence does.
        workflow.add_evidence(user=adjudicator, canonical=canonical, data={"url": "https://example.org/a"})
        canonical.refresh_from_db()
        with pytest.raises(workflow.EvidenceRequired):
            workflow.update_canonical(user=adjudicator, canonical=canonical, data={**data, "version": canonical.version})
        dated = workflow.add_evidence(user=adjudicator, canonical=canonical, data={"url": "https://example.org/b", "published_on": datetime.date(2019, 3, 1)})
        canonical.refresh_from_db()
        saved = workflow.update_canonical(user=adjudicator, canonical=canonical, data={**data, "version": canonical.version})
        assert saved.verdict_id == "false" and saved.verdict_at is not None
        # Removing the only dated evidence under a final verdict is refused.
        with pytest.raises(workflow.EvidenceRequired):
            workflow.remove_evidence(user=adjudicator, evidence=dated, version=saved.version)
        assert Evidence.objects.filter(pk=dated.pk).exists()
        with pytest.raises(workflow.StaleCanonical):
            workflow.remove_evidence(user=adjudicator, evidence=dated, version=saved.version - 1)

    def test_evidence_published_after_the_first_appearance_is_flagged(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])  # Arabic article of 2019-03-10
        workflow.add_evidence(user=adjudicator, canonical=canonical, data={"url": "https://example.org/early", "published_on": datetime.date(2019, 3, 9)})
        workflow.add_evidence(user=adjudicator, canonical=canonical, data={"url": "https://example.org/late", "published_on": datetime.date(2019, 3, 20)})
        page = client_for(adjudicator).get(canonical.get_absolute_url()).content.decode()
        assert page.count('class="evidence late"') == 1
        assert page.index("https://example.org/early") < page.index('class="evidence late"') < page.index("https://example.org/late")
        # An earlier first appearance, set by hand, moves the line.
        CanonicalClaim.objects.filter(pk=canonical.pk).update(first_appeared_on=datetime.date(2019, 3, 1))
        page = client_for(adjudicator).get(canonical.get_absolute_url()).content.decode()
        assert page.count('class="evidence late"') == 2


def _form(canonical) -> dict:
    return {
        "statement": canonical.statement, "language": canonical.language, "source_kind": "person",
        "verdict": canonical.verdict_id or "unassessed", "version": canonical.version,
    }


class TestPages:
    def test_the_panel_links_and_answers_with_itself(self, desk, annotator, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        claim = desk["claims"]["annotator", "fa"]
        client = client_for(annotator)
        # A gold claim's appearance shows to an annotator once they have submitted its article.
        assert not matching_ids(claim, annotator)
        Assignment.objects.filter(article=desk["arabic"], annotator=annotator).update(state=Assignment.State.SUBMITTED)
        assert matching_ids(claim, annotator) == [canonical.pk]
        panel = htmx(client, "get", reverse("claim_canonical", args=[claim.pk]))
        assert panel.status_code == 200
        body = panel.content.decode().strip()
        assert body.startswith(f'<section class="canonical-panel" id="canonical-claim-{claim.pk}"')
        assert f'data-canonical-id="{canonical.pk}"' in body and "3000" in body
        linked = htmx(client, "post", reverse("claim_canonical_link", args=[claim.pk]), {"canonical": canonical.pk})
        assert linked.status_code == 200 and canonical.get_absolute_url() in linked.content.decode()
        assert Appearance.objects.get(claim=claim).linked_by == annotator
        # Without htmx: the panel's own page, after a redirect.
        response = client.post(reverse("claim_canonical_unlink", args=[claim.pk]))
        assert response.status_code == 302 and not Appearance.objects.filter(claim=claim).exists()
        assert client.get(response.url).status_code == 200

    def test_a_refused_link_answers_409_with_the_panel(self, desk, adjudicator):
        first = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        second = workflow.create_canonical(user=adjudicator, target=desk["claims"]["other", "ar"])
        response = htmx(client_for(adjudicator), "post", reverse("gold_canonical_link", args=[desk["gold"].pk]), {"canonical": second.pk})
        assert response.status_code == 409 and "already linked" in response.content.decode()
        assert Appearance.objects.get(gold_claim=desk["gold"]).canonical == first

    def test_new_and_dismiss_from_the_panel(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        claim = desk["claims"]["other", "fa"]
        client = client_for(adjudicator)
        dismissed = htmx(client, "post", reverse("claim_canonical_dismiss", args=[claim.pk]), {"canonical": canonical.pk})
        assert dismissed.status_code == 200 and f'data-canonical-id="{canonical.pk}"' not in dismissed.content.decode()
        made = htmx(client, "post", reverse("claim_canonical_new", args=[claim.pk]))
        assert made.status_code == 200
        assert Appearance.objects.get(claim=claim).canonical.statement == FA_QUOTE

    def test_wrong_roles_are_refused_in_partials_too(self, desk, annotator, other_annotator, adjudicator, project):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        theirs = desk["claims"]["other", "fa"]
        client = client_for(annotator)
        # Another annotator's claim does not exist for them; gold is for adjudicators.
        assert htmx(client, "get", reverse("claim_canonical", args=[theirs.pk])).status_code == 404
        assert htmx(client, "post", reverse("claim_canonical_link", args=[theirs.pk]), {"canonical": canonical.pk}).status_code == 404
        assert htmx(client, "get", reverse("gold_canonical", args=[desk["gold"].pk])).status_code == 403
        assert htmx(client, "post", reverse("gold_canonical_new", args=[desk["gold"].pk])).status_code == 403
        assert htmx(client, "post", reverse("canonical_update", args=[canonical.pk]), {}).status_code == 403
        assert htmx(client, "post", reverse("evidence_create", args=[canonical.pk]), {"url": "https://example.org"}).status_code == 403
        # Where the project does not allow annotators to link, even their own claims are refused.
        project.annotators_link_claims = False
        project.save()
        mine = desk["claims"]["annotator", "fa"]
        assert htmx(client, "get", reverse("claim_canonical", args=[mine.pk])).status_code == 403
        assert not Appearance.objects.filter(claim__in=[theirs, mine]).exists()
        # Anonymous: the login page.
        assert Client().get(reverse("claim_canonical", args=[mine.pk])).status_code == 302

    def test_a_bad_canonical_id_is_a_clear_404(self, desk, adjudicator):
        client = client_for(adjudicator)
        for value in ("", "abc", "99999999", "1" * 30):
            response = htmx(client, "post", reverse("gold_canonical_link", args=[desk["gold"].pk]), {"canonical": value})
            assert response.status_code == 404

    def test_blind_mode_hides_other_annotators_appearances(self, desk, annotator, other_annotator, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["claims"]["other", "ar"])
        CanonicalClaim.objects.filter(pk=canonical.pk).update(note="desk note")
        client = client_for(annotator)
        # Only another annotator's claim appears under it: the annotator does not see it at all.
        assert client.get(canonical.get_absolute_url()).status_code == 404
        assert str(canonical.pk) not in client.get(reverse("canonical_list")).content.decode().split("canonical-list")[1]
        assert matching_ids(desk["claims"]["annotator", "fa"], annotator) == []
        # Once their own claim appears under it, they see the page, with their appearance only.
        workflow.link_claim(user=annotator, canonical=canonical, target=desk["claims"]["annotator", "ar"])
        page = client.get(canonical.get_absolute_url()).content.decode()
        assert page.count('<li class="appearance') == 1 and "linked by <bdi>annotator</bdi>" in page
        assert "<bdi>adjudicator</bdi>" not in page
        # The panel counts only the appearances they see.
        panel = htmx(client, "get", reverse("claim_canonical", args=[desk["claims"]["annotator", "fa"].pk])).content.decode()
        assert f'data-canonical-id="{canonical.pk}"' in panel and "1 appearance (ar)" in panel
        # An adjudicator sees both.
        page = client_for(adjudicator).get(canonical.get_absolute_url()).content.decode()
        assert page.count('<li class="appearance') == 2

    def test_the_page_shows_contradictions_and_each_appearance_in_its_own_language(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["claims"]["annotator", "ar"])  # verdict true
        workflow.link_claim(user=adjudicator, canonical=canonical, target=desk["claims"]["other", "fa"])  # verdict false
        page = client_for(adjudicator).get(canonical.get_absolute_url()).content.decode()
        assert page.count('class="appearance contradicts"') == 2
        assert '<p class="in-context" lang="fa" dir="rtl">' in page and '<p class="in-context" lang="ar" dir="rtl">' in page
        assert f"<mark>{FA_QUOTE}</mark>" in page and f"<mark>{AR_QUOTE}</mark>" in page

    def test_the_edit_form_on_the_page_keeps_a_stale_edit(self, desk, adjudicator):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        client = client_for(adjudicator)
        url = reverse("canonical_update", args=[canonical.pk])
        assert client.post(url, {**_form(canonical), "note": "first"}).status_code == 302
        response = client.post(url, {**_form(canonical), "note": "typed while someone else saved"})
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-code="stale"' in body and "typed while someone else saved" in body
        canonical.refresh_from_db()
        assert canonical.note == "first" and canonical.version == 2
        response = client.post(url, {**_form(canonical), "verdict": "false"})
        assert 'data-code="evidence_required"' in response.content.decode()

    def test_list_search_by_statement_folded_and_filter_by_verdict(self, desk, adjudicator):
        ar = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        fa = workflow.create_canonical(user=adjudicator, target=desk["claims"]["other", "fa"])
        CanonicalClaim.objects.filter(pk=fa.pk).update(verdict_id="unverifiable")
        client = client_for(adjudicator)

        def listed(**query):
            body = client.get(reverse("canonical_list"), query).content.decode()
            return {pk for pk in (ar.pk, fa.pk) if f'data-canonical-id="{pk}"' in body}

        assert listed() == {ar.pk, fa.pk}
        assert listed(q="۳۰۰۰") == {ar.pk, fa.pk}  # Persian digits find ٣٠٠٠ and ۳۰۰۰
        assert listed(q="باغوز") == {ar.pk, fa.pk}  # without the article ال
        assert listed(q="استسلموا") == {ar.pk}
        assert listed(verdict="unverifiable") == {fa.pk}
        assert listed(verdict="none") == {ar.pk}
        assert listed(q="في") == set()  # a stopword alone: nothing to look up, said so

    def test_the_adjudication_page_shows_each_gold_claims_canonical_claim(self, desk, adjudicator):
        client = client_for(adjudicator)
        url = reverse("adjudication_detail", args=[desk["arabic"].pk])
        panel = reverse("gold_canonical", args=[desk["gold"].pk])
        page = client.get(url).content.decode()
        assert f'id="canonical-gold-{desk["gold"].pk}"' in page and f'hx-get="{panel}"' in page
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        page = client.get(url).content.decode()
        assert f'<a href="{canonical.get_absolute_url()}"' in page

    def test_the_annotation_page_offers_seen_before_where_the_project_allows_it(self, desk, annotator, project):
        client = client_for(annotator)
        claim = desk["claims"]["annotator", "fa"]
        slot = f'hx-get="{reverse("claim_canonical", args=[claim.pk])}"'
        assert slot in client.get(desk["persian"].get_absolute_url()).content.decode()
        saved = htmx(client, "post", reverse("claim_create", args=[desk["persian"].pk]), factories.claim_post(desk["persian"], "انتهای پیام"))
        assert "Seen before?" in saved.content.decode()
        project.annotators_link_claims = False
        project.save()
        assert slot not in client.get(desk["persian"].get_absolute_url()).content.decode()
        saved = htmx(client, "post", reverse("claim_create", args=[desk["persian"].pk]), factories.claim_post(desk["persian"], "مصطفی بالی"))
        assert saved.status_code == 200 and "Seen before?" not in saved.content.decode()

    @pytest.mark.parametrize("size", [1, 12])
    def test_the_page_and_the_list_run_a_fixed_number_of_queries(self, desk, adjudicator, annotator, django_assert_max_num_queries, size):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        for number in range(size):
            article = factories.make_article(f"قال مصدر إن {number + 100} شخص غادروا الباغوز.", project=desk["arabic"].project, language="ar")
            factories.assign(article, annotator)
            claim = factories.make_claim(article, annotator, f"{number + 100} شخص غادروا الباغوز")
            workflow.link_claim(user=adjudicator, canonical=canonical, target=claim)
            workflow.add_evidence(user=adjudicator, canonical=canonical, data={"url": f"https://example.org/{number}", "published_on": datetime.date(2019, 3, 1)})
            CanonicalClaim.objects.create(statement=f"بیانیه {number}", language="fa", created_by=adjudicator)
        for user in (adjudicator, annotator):
            client = client_for(user)
            client.get(canonical.get_absolute_url())  # warm the vocabulary cache
            with django_assert_max_num_queries(9):
                assert client.get(canonical.get_absolute_url()).status_code == 200
            with django_assert_max_num_queries(9):
                assert client.get(reverse("canonical_list"), {"q": "الباغوز"}).status_code == 200


@pytest.mark.parametrize("size", [1, 15])
def test_the_panel_runs_a_fixed_number_of_queries(desk, adjudicator, annotator, django_assert_max_num_queries, size):
    from annotations import matching

    for number in range(size):
        canonical = CanonicalClaim.objects.create(statement=f"۳۰۰۰ تروریست در الباغوز {number}", language="fa", created_by=adjudicator)
        matching.refresh_keys([canonical.pk])
        workflow.link_claim(user=adjudicator, canonical=canonical, target=factories.make_claim(desk["persian"], annotator, "انتهای پیام"))
    Assignment.objects.filter(annotator=annotator).update(state=Assignment.State.SUBMITTED)
    for user, kind, target, queries in (
        (adjudicator, "gold", desk["gold"], 9),
        (annotator, "claim", desk["claims"]["annotator", "fa"], 10),
    ):
        client = client_for(user)
        url = reverse(f"{kind}_canonical", args=[target.pk])
        htmx(client, "get", url)  # the vocabulary and claimant-name caches
        with django_assert_max_num_queries(queries):
            response = htmx(client, "get", url)
        assert response.status_code == 200 and response.content.decode().count('class="candidate"') == min(size, 5)


def matching_ids(claim, user):
    from annotations import matching, reading

    return [c.canonical.pk for c in matching.candidates(claim, visible=reading.visible_canonical(user))]


class TestImport:
    """import_annotations loads the export's `canonical_claims` list, all or nothing, and again harmlessly."""

    def _file(self, tmp_path, desk, annotator, *, canonical_changes=None, appearances=None):
        persian = desk["persian"]
        start = persian.text.index("انتهای پیام")
        claim = {
            "start": start, "end": start + len("انتهای پیام"), "quote": "انتهای پیام", "claim_type": "quote",
            "check_worthiness": "not_factual", "verification_status": "unassessed", "attribution": "author_assertion",
            "source": None, "evidence": [], "note": "", "annotator": annotator.username, "canonical_claim": 7,
        }
        canonical = {
            "id": 7, "statement": "۳۰۰۰ عضو داعش در الباغوز تسلیم شدند", "language": "fa",
            "translation": "3,000 IS members surrendered in al-Baghuz", "translation_language": "en",
            "claimant": {"name": "مصطفی بالی", "kind": "person"}, "verdict": "mostly_true", "verdict_override_note": "",
            "first_appearance_url": "https://example.org/first", "first_appeared_on": "2019-03-11", "note": "from a backup",
            "evidence": [{"url": "https://example.org/e", "title": "E", "published_on": "2019-03-10", "archived_url": "", "checked_on": "2019-03-12"}],
            "appearances": appearances if appearances is not None else [
                {"external_id": "fa-1", "start": start, "end": start + len("انتهای پیام"), "gold": False, "annotator": annotator.username},
                {"external_id": "ar-1", "start": desk["gold"].start, "end": desk["gold"].end, "gold": True, "annotator": None},
            ],
        }
        canonical.update(canonical_changes or {})
        data = {
            "schema_version": 1, "offset_unit": "unicode_code_point",
            "articles": [{"external_id": "fa-1", "text_sha256": persian.text_sha256, "claims": [claim]}],
            "canonical_claims": [canonical],
        }
        path = tmp_path / "backup.json"
        path.write_text(__import__("json").dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    def _run(self, path):
        from io import StringIO

        from django.core.management import call_command

        out, err = StringIO(), StringIO()
        call_command("import_annotations", str(path), stdout=out, stderr=err)
        return out.getvalue()

    def test_a_canonical_claim_loads_with_its_evidence_and_links_and_again_changes_nothing(self, tmp_path, desk, annotator, adjudicator):
        path = self._file(tmp_path, desk, annotator)
        out = self._run(path)
        assert "Loaded 1 canonical claim(s) and 2 link(s) to them." in out
        canonical = CanonicalClaim.objects.get()
        assert canonical.claimant.name == "مصطفی بالی" and canonical.verdict_id == "mostly_true"
        assert canonical.first_appeared_on == datetime.date(2019, 3, 11) and canonical.evidence.get().checked_on == datetime.date(2019, 3, 12)
        links = {(a.article.external_id, a.gold_claim_id is not None, a.linked_by.username) for a in canonical.appearances.all()}
        assert links == {("fa-1", False, "annotator"), ("ar-1", True, "adjudicator")}
        assert canonical.created_by == annotator
        from annotations.models import MatchKey

        assert MatchKey.objects.filter(canonical=canonical, key="n:3000", statement=True).exists()
        # Again: nothing new.
        self._run(path)
        assert CanonicalClaim.objects.count() == 1 and Appearance.objects.count() == 2 and Evidence.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "appearances", "reason"),
        [
            ({"verdict": "false", "evidence": []}, None, "evidence item with its publication date"),
            ({"verdict": "no-such-verdict"}, None, "verdict"),
            ({"evidence": [{"url": "javascript:alert(1)"}]}, None, "evidence 1"),
            ({"language": "not a language"}, None, "language"),
            ({}, [{"external_id": "fa-1", "start": 0, "end": 5, "gold": False, "annotator": "annotator"}], "no claim of 'annotator' at 0–5"),
            ({}, [{"external_id": "nope", "start": 0, "end": 5, "gold": True}], "no article with external_id 'nope'"),
            ({}, [{"external_id": "ar-1", "start": 0, "end": 5}], "needs its 'annotator'"),
        ],
    )
    def test_a_bad_canonical_claim_refuses_the_whole_file(self, tmp_path, desk, annotator, changes, appearances, reason):
        from io import StringIO

        from django.core.management import call_command
        from django.core.management.base import CommandError

        from annotations.models import Claim

        claims = Claim.objects.count()
        path = self._file(tmp_path, desk, annotator, canonical_changes=changes, appearances=appearances)
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("import_annotations", str(path), stdout=StringIO(), stderr=err)
        assert reason in err.getvalue()
        assert Claim.objects.count() == claims and not CanonicalClaim.objects.exists()

    def test_a_claim_linked_to_another_canonical_claim_refuses_the_file(self, tmp_path, desk, annotator, adjudicator):
        from io import StringIO

        from django.core.management import call_command
        from django.core.management.base import CommandError

        other = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("import_annotations", str(self._file(tmp_path, desk, annotator)), stdout=StringIO(), stderr=err)
        assert "linked to another canonical claim" in err.getvalue()
        assert list(CanonicalClaim.objects.all()) == [other]


def form_fields(html: str, form_id: str) -> dict:
    """The values a browser would send from the form with this id (inputs, selects, textareas)."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside, self.values, self.select, self.textarea = False, {}, None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id") == form_id:
                self.inside = True
            if not self.inside:
                return
            if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "checkbox", "file"):
                self.values[attrs["name"]] = attrs.get("value", "")
            elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
                self.values[attrs["name"]] = "on"
            elif tag == "select":
                self.select = attrs.get("name")
                self.values.setdefault(self.select, "")
            elif tag == "option" and self.select and "selected" in attrs:
                self.values[self.select] = attrs.get("value", "")
            elif tag == "textarea":
                self.textarea = attrs.get("name")
                self.values[self.textarea] = ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data.lstrip("\n") if not self.values[self.textarea] else data

    parser = Fields()
    parser.feed(html)
    return parser.values


class TestAdmin:
    def _change(self, admin_client, canonical, **changes):
        url = reverse("admin:annotations_canonicalclaim_change", args=[canonical.pk])
        data = form_fields(admin_client.get(url).content.decode(), "canonicalclaim_form")
        data.update(changes)
        return admin_client.post(url, data)

    def test_the_admin_keeps_the_evidence_discipline_and_the_version(self, desk, adjudicator, admin_client):
        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        refused = self._change(admin_client, canonical, verdict="false")
        assert refused.status_code == 200 and "publication date" in refused.content.decode()
        canonical.refresh_from_db()
        assert canonical.verdict_id is None and canonical.version == 1
        # The verdict and its dated evidence in one save: accepted, the evidence recorded as the admin's.
        saved = self._change(
            admin_client, canonical, verdict="false", **{
                "evidence-TOTAL_FORMS": "1", "evidence-0-url": "https://example.org/x", "evidence-0-published_on": "2019-03-01",
                "evidence-0-canonical": str(canonical.pk),
            },
        )
        assert saved.status_code == 302, saved.content.decode()[:3000]
        canonical.refresh_from_db()
        assert canonical.verdict_id == "false" and canonical.verdict_at is not None and canonical.version == 2
        assert canonical.evidence.get().added_by.is_staff
        # Removing that evidence in the admin is refused while the verdict stands.
        url = reverse("admin:annotations_canonicalclaim_change", args=[canonical.pk])
        data = form_fields(admin_client.get(url).content.decode(), "canonicalclaim_form")
        data["evidence-0-DELETE"] = "on"
        assert "publication date" in admin_client.post(url, data).content.decode()
        assert canonical.evidence.exists()
        # A form shown before someone else's save is refused.
        stale = form_fields(admin_client.get(url).content.decode(), "canonicalclaim_form")
        workflow.update_canonical(user=adjudicator, canonical=canonical, data={**_edit(canonical), "verdict": Verdict.objects.get(pk="false")})
        stale["note"] = "an older page"
        assert "Someone changed this" in admin_client.post(url, stale).content.decode()
        canonical.refresh_from_db()
        assert canonical.note == ""

    def test_deleting_an_appearance_in_the_admin_unlinks_it(self, desk, adjudicator, admin_client):
        from annotations.models import MatchKey

        canonical = workflow.create_canonical(user=adjudicator, target=desk["gold"])
        workflow.link_claim(user=adjudicator, canonical=canonical, target=desk["claims"]["annotator", "fa"])
        appearance = Appearance.objects.get(claim=desk["claims"]["annotator", "fa"])
        url = reverse("admin:annotations_appearance_delete", args=[appearance.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
        assert not Appearance.objects.filter(pk=appearance.pk).exists()
        assert not MatchKey.objects.filter(canonical=canonical, key="w:تروريست").exists()
        assert admin_client.get(reverse("admin:annotations_appearance_changelist")).status_code == 200
        assert admin_client.get(reverse("admin:annotations_matchdismissal_changelist")).status_code == 200


def test_the_demo_canonical_claim_is_suggested_for_a_new_claim_in_another_seed(db, settings, client):
    """Quick start: a new claim on the ۳۰۰۰ in Persian seed 000 gets the demo canonical claim (Arabic 001,
    Persian 003) suggested to the annotator, who may link it; its page shows both languages."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from annotations.models import Article

    settings.DEBUG = True
    call_command("import_articles", str(settings.BASE_DIR / "seeds"), stdout=StringIO())
    call_command("setup_demo", stdout=StringIO())
    annotator = get_user_model().objects.get(username="annotator")
    article = Article.objects.get(external_id="000_7b2440a1b41ed335")
    client.force_login(annotator)
    quote = "۳۰۰۰ نفر از جمله چند صد داعشی از آخرین پناهگاه داعش در شهرک الباغوز خارج شدند"
    response = htmx(client, "post", reverse("claim_create", args=[article.pk]), factories.claim_post(article, quote))
    assert response.status_code == 200 and "Seen before?" in response.content.decode()
    claim = article.claims.get(annotator=annotator)
    canonical = CanonicalClaim.objects.get()
    panel = htmx(client, "get", reverse("claim_canonical", args=[claim.pk])).content.decode()
    assert f'data-canonical-id="{canonical.pk}"' in panel and "3000" in panel
    htmx(client, "post", reverse("claim_canonical_link", args=[claim.pk]), {"canonical": canonical.pk})
    page = client.get(canonical.get_absolute_url()).content.decode()
    assert 'data-language="ar"' in page and page.count('data-language="fa"') == 2
