"""Adjudicating group by group: span differences on the words, the field-by-field merge, progress
and the finished state, and what the compare-with-gold page says about decisions."""

import re

import pytest
from django.urls import reverse

from annotations import workflow
from annotations.models import MERGE_PARTS, Claim, GoldClaim, Rejection, Source
from annotations.reading.merging import EXTRA, MISSING, SAME, span_diff
from annotations.workflow.adjudicating import GOLD_FIELDS

from . import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
A, B, C = "https://example.org/a", "https://example.org/b", "https://example.org/c"


@pytest.fixture
def versions(article, submitted):
    """The disagreeing group made richer: the first version names its claimant, anchored in the
    text, and cites one link; the second cites that link and another and has a note."""
    claimant = Source.objects.create(name="مصطفى بالي", kind="person")
    start = article.text.index("مصطفى بالي")
    Claim.objects.filter(pk=submitted["mine"].pk).update(
        source=claimant, source_start=start, source_end=start + len("مصطفى بالي"), evidence=[A]
    )
    Claim.objects.filter(pk=submitted["theirs"].pk).update(evidence=[A, B], note="رقم تقريبي", attribution_id="paraphrase")
    for claim in (submitted["mine"], submitted["theirs"]):
        claim.refresh_from_db()
    return submitted


def picks(**chosen) -> dict:
    """Every part from the claim given for it, the rest from `span`'s claim."""
    return {part: chosen.get(part, chosen["span"]).pk for part in MERGE_PARTS}


def merge_post(group: str, chosen: dict, evidence=(), note="") -> dict:
    return {"group": group, **{f"from_{part}": pk for part, pk in chosen.items()}, "evidence": list(evidence), "decision_note": note}


def test_merge_parts_and_evidence_cover_every_gold_field():
    assert sorted(name for names in MERGE_PARTS.values() for name in names) == sorted(set(GOLD_FIELDS) - {"evidence"})


class TestSpanDiff:
    def test_pieces_mark_extra_and_missing_words_by_code_points(self):
        text = "😀 قال إن 3000 شخص غادروا الباغوز"
        longer = (text.index("3000"), text.index(" الباغوز"))
        shorter = (text.index("3000"), text.index(" غادروا"))
        assert span_diff(text, [longer, shorter]) == [
            [(SAME, "3000 شخص"), (EXTRA, " غادروا")],
            [(SAME, "3000 شخص"), (MISSING, " غادروا")],
        ]

    def test_shifted_spans_miss_on_both_edges_and_equal_spans_have_no_diff(self):
        text = "واحد اثنان ثلاثة أربعة"
        first, second = (0, text.index(" ثلاثة")), (text.index("اثنان"), text.index(" أربعة"))
        assert span_diff(text, [first, second]) == [
            [(EXTRA, "واحد "), (SAME, "اثنان"), (MISSING, " ثلاثة")],
            [(MISSING, "واحد "), (SAME, "اثنان"), (EXTRA, " ثلاثة")],
        ]
        assert span_diff(text, [first, first]) is None

    def test_long_pieces_show_their_ends(self):
        text = "أ" * 400 + " ب"
        [[(kind, shown), _extra], _other] = span_diff(text, [(0, len(text)), (0, 400)])
        assert kind == SAME and len(shown) == 121 and "\u2026" in shown


class TestPage:
    def test_groups_show_differences_merge_choices_and_progress(self, client, article, adjudicator, versions):
        client.force_login(adjudicator)
        page = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
        assert "0 of 2 groups decided" in page and 'id="next-undecided"' in page
        assert "<ins> غادروا</ins>" in page and "<del> غادروا</del>" in page
        partial = page.split('data-status="partial"')[1].split("</li>\n          \n")[0]
        group = factories.group_key(versions["mine"], versions["theirs"])
        # The merge form loads when it is opened (a page of hundreds of groups stays light), or with ?merge=.
        url = reverse("adjudication_detail", args=[article.pk])
        assert f'hx-get="{url}?merge={group}"' in partial and "gold/merge/" not in partial
        form = client.get(url, {"merge": group}, **HTMX).content.decode()
        assert form.lstrip().startswith("<form") and f'name="group" value="{group}"' in form
        whole = client.get(url, {"merge": group}).content.decode()
        assert re.search(r'<details class="merge" open>\s*<summary>[^<]*</summary>\s*<form method="post" action="/articles/\d+/gold/merge/"', whole)
        # The value most versions share is chosen at first; with one each, the first version's.
        first = re.search(r'data-claim-id="(\d+)"', partial).group(1)
        for part in MERGE_PARTS:
            assert re.search(rf'name="from_{part}" value="{first}" checked', form), part
        other = ({str(versions["mine"].pk), str(versions["theirs"].pk)} - {first}).pop()
        assert f'name="from_attribution" value="{other}">' in form and f'name="from_claim_type" value="{other}"' not in form
        assert "marked in the text" in form and form.count('type="checkbox" name="evidence"') == 2
        # A unanimous group has nothing to merge.
        agree = page.split('data-status="agree"')[1].split('data-status="partial"')[0]
        assert "merge=" not in agree
        unanimous = factories.group_key(*versions["agreed"])
        assert "gold/merge/" not in client.get(url, {"merge": unanimous}).content.decode()

    def test_a_merge_form_for_a_group_that_changed_answers_with_the_page_as_it_is(self, client, article, adjudicator, versions):
        mine, theirs = versions["mine"], versions["theirs"]
        group = factories.group_key(mine, theirs)
        Claim.objects.filter(pk=mine.pk).update(version=mine.version + 1)
        client.force_login(adjudicator)
        response = client.get(reverse("adjudication_detail", args=[article.pk]), {"merge": group}, **HTMX)
        body = response.content.decode()
        assert response.status_code == 409 and response["HX-Retarget"] == "#decisions"
        assert body.lstrip().startswith('<div id="decisions">') and "changed or was decided" in body

    def test_the_decisions_partial_has_them_too(self, client, article, adjudicator, versions):
        client.force_login(adjudicator)
        url = reverse("adjudication_detail", args=[article.pk])
        body = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="decisions").content.decode()
        assert body.lstrip().startswith('<div id="decisions">')
        assert "0 of 2 groups decided" in body and "?merge=" in body and "<ins>" in body

    def test_decided_groups_fold_rejected_ones_are_not_painted_and_the_article_is_done(self, client, article, adjudicator, versions):
        client.force_login(adjudicator)
        agreed = factories.group_key(*versions["agreed"])
        assert client.post(reverse("gold_accept_unanimous", args=[article.pk]), {"groups": agreed}, **HTMX).status_code == 200
        body = client.get(reverse("adjudication_detail", args=[article.pk]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="decisions").content.decode()
        assert "1 of 2 groups decided" in body and "Adjudication done" not in body
        assert re.search(r'data-decision="gold">\s*<details>', body)
        group = factories.group_key(versions["mine"], versions["theirs"])
        response = client.post(reverse("group_reject", args=[article.pk]), {"group": group, "decision_note": "ليس ادعاءً"}, **HTMX)
        body = response.content.decode()
        assert response.status_code == 200 and "2 of 2 groups decided" in body and "Adjudication done" in body
        assert re.search(r'id="next-undecided"[^>]*disabled', body)
        rejected = body.split('data-decision="rejected"')[1].split("</details>")[0]
        assert "ليس ادعاءً" in rejected  # the note, in the folded group's summary
        # The rejected versions are listed but are not claim items, so the page does not paint them.
        assert f'id="claim-{versions["mine"].pk}"' in rejected and 'class="claim"' not in rejected
        assert 'class="version rejected"' in rejected
        listing = client.get(reverse("article_list")).content.decode()
        assert "adjudication done" in listing

    def test_not_done_while_an_annotator_works_again(self, client, article, adjudicator, annotator, versions):
        for claims in (versions["agreed"], [versions["mine"], versions["theirs"]]):
            workflow.reject_group(user=adjudicator, article=article, seen=factories.seen(*claims))
        client.force_login(adjudicator)
        assert "adjudication done" in client.get(reverse("article_list")).content.decode()
        article.assignments.filter(annotator=annotator).update(state="in_progress")
        assert "adjudication done" not in client.get(reverse("article_list")).content.decode()
        assert "Adjudication done" not in client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()

    def test_annotators_may_not_merge(self, client, article, annotator, versions):
        client.force_login(annotator)
        group = factories.group_key(versions["mine"], versions["theirs"])
        data = merge_post(group, picks(span=versions["mine"]), [A])
        for extra in ({}, HTMX):
            assert client.post(reverse("group_merge", args=[article.pk]), data, **extra).status_code == 403
        url = reverse("adjudication_detail", args=[article.pk])
        assert client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="decisions").status_code == 403
        assert client.get(url, {"merge": group}, **HTMX).status_code == 403
        assert not GoldClaim.objects.exists()


class TestMerge:
    def test_each_part_from_the_version_chosen_and_the_evidence_union(self, client, article, adjudicator, versions):
        mine, theirs = versions["mine"], versions["theirs"]
        client.force_login(adjudicator)
        group = factories.group_key(mine, theirs)
        chosen = picks(span=theirs, verification_status=mine, claimant=mine, attribution=theirs)
        response = client.post(reverse("group_merge", args=[article.pk]), merge_post(group, chosen, [B, A], "دمج"), **HTMX)
        assert response.status_code == 200 and 'id="gold-list"' in response.content.decode()
        gold = GoldClaim.objects.get()
        assert (gold.start, gold.end, gold.quote) == (theirs.start, theirs.end, "3000 شخص")
        assert article.text[gold.start : gold.end] == gold.quote and (gold.prefix, gold.suffix) == (theirs.prefix, theirs.suffix)
        assert (gold.verification_status_id, gold.attribution_id, gold.note) == ("false", "paraphrase", "رقم تقريبي")
        # The claimant comes with its anchor in the text, from the same version.
        assert gold.source_id == mine.source_id and (gold.source_start, gold.source_end) == (mine.source_start, mine.source_end)
        assert article.text[gold.source_start : gold.source_end] == "مصطفى بالي"
        assert gold.evidence == [A, B]  # the versions' order, each once
        assert gold.decision_note == "دمج" and gold.provenance == "adjudicated" and gold.adjudicator == adjudicator
        assert set(gold.annotations.all()) == {mine, theirs}

    def test_a_claimant_left_out_takes_its_anchor_with_it(self, article, adjudicator, versions):
        mine, theirs = versions["mine"], versions["theirs"]
        gold = workflow.merge_group(
            user=adjudicator, article=article, seen=factories.seen(mine, theirs), picks=picks(span=mine, claimant=theirs), evidence=[]
        )
        assert (gold.source_id, gold.source_start, gold.source_end, gold.evidence) == (None, None, None, [])

    def test_a_version_changed_since_the_page_was_shown_is_refused(self, client, article, adjudicator, versions):
        mine, theirs = versions["mine"], versions["theirs"]
        group = factories.group_key(mine, theirs)  # as the page showed it
        Claim.objects.filter(pk=theirs.pk).update(verification_status_id="true", version=theirs.version + 1)
        client.force_login(adjudicator)
        response = client.post(reverse("group_merge", args=[article.pk]), merge_post(group, picks(span=theirs), [A]), **HTMX)
        assert response.status_code == 409 and "changed since the page was shown" in response.content.decode()
        assert not GoldClaim.objects.exists()
        with pytest.raises(workflow.StaleGroup):
            workflow.merge_group(user=adjudicator, article=article, seen={mine.pk: mine.version, theirs.pk: theirs.version},
                                 picks=picks(span=theirs), evidence=[])

    @pytest.mark.parametrize("problem", ["outside", "typed_link", "missing_part", "decided"])
    def test_refusals_change_nothing(self, client, article, adjudicator, versions, problem):
        mine, theirs = versions["mine"], versions["theirs"]
        group = factories.group_key(mine, theirs)
        chosen, links = picks(span=mine), [A]
        if problem == "outside":
            chosen["verification_status"] = versions["agreed"][0].pk
        elif problem == "typed_link":
            links = [A, C]
        elif problem == "missing_part":
            del chosen["note"]
        else:
            workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(mine, theirs), chosen_id=mine.pk)
        before = GoldClaim.objects.count()
        client.force_login(adjudicator)
        response = client.post(reverse("group_merge", args=[article.pk]), merge_post(group, chosen, links), **HTMX)
        assert response.status_code == (400 if problem == "missing_part" else 409)
        assert GoldClaim.objects.count() == before

    def test_too_many_links_in_the_union_are_refused_with_the_reason(self, article, adjudicator, versions):
        mine, theirs = versions["mine"], versions["theirs"]
        many = [f"https://example.org/{n}" for n in range(21)]
        Claim.objects.filter(pk=mine.pk).update(evidence=many)
        with pytest.raises(workflow.DecisionRefused, match="At most 20"):
            workflow.merge_group(user=adjudicator, article=article, seen=factories.seen(mine, theirs), picks=picks(span=mine), evidence=many)
        assert not GoldClaim.objects.exists()

    def test_waits_for_every_annotator(self, article, adjudicator, annotator, versions):
        mine, theirs = versions["mine"], versions["theirs"]
        article.assignments.filter(annotator=annotator).update(state="in_progress")
        with pytest.raises(workflow.NotReady):
            workflow.merge_group(user=adjudicator, article=article, seen=factories.seen(mine, theirs), picks=picks(span=mine), evidence=[])


class TestCompare:
    def test_rejected_apart_from_undecided_with_the_notes_and_whether_finished(self, client, article, annotator, adjudicator, versions):
        workflow.reject_group(
            user=adjudicator, article=article, seen=factories.seen(versions["mine"], versions["theirs"]), note="ليس ادعاءً قابلاً للتحقق"
        )
        client.force_login(annotator)
        page = client.get(reverse("article_compare", args=[article.pk])).content.decode()
        assert 'data-finished="false"' in page and "not finished yet" in page
        rejected = page.split('id="rejected"')[1].split("</ul>")[0]
        undecided = page.split('id="undecided"')[1].split("</ul>")[0]
        assert "3000 شخص غادروا" in rejected and "ليس ادعاءً قابلاً للتحقق" in rejected
        assert "مصطفى بالي" in undecided and "3000 شخص" not in undecided
        workflow.accept_version(
            user=adjudicator, article=article, seen=factories.seen(*versions["agreed"]), chosen_id=versions["agreed"][0].pk,
            note="متفق عليه",
        )
        page = client.get(reverse("article_compare", args=[article.pk])).content.decode()
        assert 'data-finished="true"' in page and "متفق عليه" in page.split('id="matched"')[1]
        assert "None." in page.split('id="undecided"')[1].split("</ul>")[0]
        assert Rejection.objects.count() == 1


def test_without_htmx_and_with_garbage(client, article, adjudicator, versions):
    mine, theirs = versions["mine"], versions["theirs"]
    client.force_login(adjudicator)
    url = reverse("group_merge", args=[article.pk])
    group = factories.group_key(mine, theirs)
    for garbage in (
        {**merge_post(group, picks(span=mine)), "from_span": "abc"},
        {**merge_post(group, picks(span=mine)), "from_note": str(2**63)},
        {**merge_post(group, picks(span=mine)), "group": "3-x"},
        {**merge_post(group, picks(span=mine)), "evidence": ["https://example.org/" + "a" * 3000]},
    ):
        assert client.post(url, garbage, **HTMX).status_code == 400
    assert not GoldClaim.objects.exists()
    response = client.post(url, merge_post(group, picks(span=mine), [A]))
    assert response.status_code == 302 and response["Location"] == reverse("adjudication_detail", args=[article.pk])
    assert GoldClaim.objects.get().quote == mine.quote
