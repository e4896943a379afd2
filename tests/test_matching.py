"""Match keys (pure) and candidates from the index: digits across scripts, clitics, names, ranking across fa/ar."""

import pytest

from annotations import matching, workflow
from annotations.models import ADJUDICATOR_GROUP, CanonicalClaim, MatchDismissal, MatchKey, Source

from . import factories


class TestKeys:
    def test_digits_of_every_script_are_one_number(self):
        for text in ("۳۰۰۰ نفر", "٣٠٠٠ شخص", "3000 people", "3,000 people", "۳٬۰۰۰ نفر"):
            assert "n:3000" in matching.text_keys(text), text

    def test_numbers_are_never_rounded_and_single_digits_are_left_out(self):
        keys = matching.text_keys("قارب 4 آلاف شخص و 4900 و ٣٫٥")
        assert {"n:4900", "n:3.5"} <= keys
        assert "n:4" not in keys and "n:4000" not in keys

    def test_clitic_prefixes_are_stripped(self):
        for word in ("الباغوز", "بالباغوز", "والباغوز", "للباغوز", "وللباغوز"):
            assert "w:باغوز" in matching.text_keys(word, "ar"), word

    def test_a_word_without_the_article_keeps_itself(self):
        # "باغوز" could be a name starting with ب: both forms are keys, so it meets "الباغوز".
        assert {"w:باغوز", "w:اغوز"} <= matching.text_keys("باغوز", "ar")
        # Persian has no such clitics: the word stays as written.
        assert matching.text_keys("باغوز", "fa") == {"w:باغوز"}

    def test_persian_and_arabic_spellings_fold_together(self):
        persian = matching.text_keys("نیروهای دموکراتیک سوریه در الباغوز", "fa")
        arabic = matching.text_keys("نيروهاي دموكراتيك سوريه في الباغوز", "ar")
        assert persian == arabic

    def test_stopwords_and_short_words_are_left_out(self):
        keys = matching.text_keys("وقال إن من في على هو the and of قسد", "ar")
        assert keys == {"w:قسد"}

    def test_names_of_known_claimants_and_capitalised_words_are_entities(self):
        names = matching.name_words("مصطفى بالي")
        keys = matching.text_keys("قال مصطفی بالی لرويترز", "fa", names=names)
        assert {"e:مصطفي", "e:بالي", "w:مصطفي"} <= keys
        assert "e:Reuters".casefold() in matching.text_keys("Reuters reported", "en")
        assert not any(key.startswith("e:") for key in matching.text_keys("reuters reported", "en"))

    def test_claimant_keys(self):
        assert matching.claimant_keys(7, "مصطفى بالي", "person") == {"s:7", "e:مصطفي", "e:بالي"}
        # An unnamed source is the same claimant, but its words name no one.
        assert matching.claimant_keys(8, "مسؤول دفاعي أمريكي", "unnamed_source") == {"s:8"}
        assert matching.claimant_keys(None) == set()

    def test_search_keys(self):
        assert matching.search_keys("الباغوز ۳۰۰۰ في") == [("w:باغوز",), ("n:3000",)]


@pytest.fixture
def desk(db):
    """An Arabic and a Persian article with claims about the same 3,000 people, and a canonical claim
    linked to the Arabic one."""
    project = factories.make_project("Desk", annotators_link_claims=True)
    adjudicator = factories.make_user("desk-adjudicator", groups=[ADJUDICATOR_GROUP])
    annotator = factories.make_user("desk-annotator")
    arabic = factories.make_article(
        "قال مصطفى بالي لوكالة رويترز إن ٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة.\nوأضاف أن المعارك مستمرة.",
        project=project, external_id="ar-1", language="ar",
    )
    persian = factories.make_article(
        "مصطفی بالی گفت طی ۲۴ ساعت ۳۰۰۰ تروریست داعشی خود را در الباغوز تسلیم کردند.\nانتهای پیام",
        project=project, external_id="fa-1", language="fa",
    )
    other = factories.make_article("قالت الأمم المتحدة إن 800 مقاتل أجنبي محتجزون في المخيم.", project=project, external_id="ar-2", language="ar")
    for article in (arabic, persian, other):
        factories.assign(article, annotator)
    bali_ar = Source.objects.create(name="مصطفى بالي", kind="person")
    bali_fa = Source.objects.create(name="مصطفی بالی", kind="person")
    ar_claim = factories.make_claim(arabic, annotator, "٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة", source=bali_ar)
    fa_claim = factories.make_claim(persian, annotator, "طی ۲۴ ساعت ۳۰۰۰ تروریست داعشی خود را در الباغوز تسلیم کردند", source=bali_fa)
    un_claim = factories.make_claim(other, annotator, "800 مقاتل أجنبي محتجزون في المخيم")
    canonical = workflow.create_canonical(user=adjudicator, target=ar_claim)
    unrelated = workflow.create_canonical(user=adjudicator, target=un_claim)
    return {
        "adjudicator": adjudicator, "annotator": annotator, "ar_claim": ar_claim, "fa_claim": fa_claim,
        "canonical": canonical, "unrelated": unrelated, "persian": persian,
    }


class TestCandidates:
    def test_the_arabic_canonical_claim_is_suggested_for_the_persian_claim(self, desk):
        found = matching.candidates(desk["fa_claim"])
        assert [candidate.canonical for candidate in found] == [desk["canonical"]]
        best = found[0]
        assert "3000" in best.numbers and "24" in best.numbers
        assert {"مصطفی", "بالی"} <= set(best.names)  # as the Persian claim spells them, not folded (ي)
        assert best.same_claimant  # different sources, the same name once folded
        assert best.appearances == 1 and best.languages == ["ar"]
        assert 0 < best.similarity <= 100 and best.score > 50

    def test_ranking_puts_the_shared_number_and_claimant_first(self, desk):
        third = factories.make_claim(desk["persian"], desk["annotator"], "انتهای پیام")
        other = workflow.create_canonical(user=desk["adjudicator"], target=third)
        CanonicalClaim.objects.filter(pk=other.pk).update(statement="۳۰۰۰ نفر در الباغوز")
        matching.refresh_keys([other.pk])
        found = matching.candidates(desk["fa_claim"])
        assert [candidate.canonical.pk for candidate in found][:2] == [desk["canonical"].pk, other.pk]
        assert found[0].score > found[1].score

    def test_linked_and_dismissed_canonical_claims_are_not_suggested(self, desk):
        assert matching.candidates(desk["ar_claim"]) == []  # linked to the only one like it
        workflow.dismiss_match(user=desk["adjudicator"], canonical=desk["canonical"], target=desk["fa_claim"])
        assert matching.candidates(desk["fa_claim"]) == []
        assert MatchDismissal.objects.count() == 1

    def test_keys_follow_the_statement_and_the_appearances(self, desk):
        canonical = desk["canonical"]
        keys = set(MatchKey.objects.filter(canonical=canonical).values_list("key", flat=True))
        assert {"n:3000", "n:24", "w:باغوز", "e:بالي"} <= keys
        # From the statement: what the list's search reads.
        assert MatchKey.objects.get(canonical=canonical, key="n:3000").statement
        workflow.link_claim(user=desk["adjudicator"], canonical=canonical, target=desk["fa_claim"])
        keys = set(MatchKey.objects.filter(canonical=canonical).values_list("key", flat=True))
        assert {"w:تروريست", f"s:{desk['fa_claim'].source_id}"} <= keys
        assert not MatchKey.objects.get(canonical=canonical, key="w:تروريست").statement

    def test_the_rebuild_command_writes_every_canonical_claims_keys_again(self, desk, monkeypatch):
        from io import StringIO

        from django.core.management import call_command

        workflow.link_claim(user=desk["adjudicator"], canonical=desk["canonical"], target=desk["fa_claim"])
        before = set(MatchKey.objects.values_list("canonical_id", "key", "statement"))
        MatchKey.objects.all().delete()
        monkeypatch.setattr("annotations.management.commands.rebuild_search_index.BATCH", 1)
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        assert f"and {CanonicalClaim.objects.count()} canonical claim(s)." in out.getvalue()
        assert set(MatchKey.objects.values_list("canonical_id", "key", "statement")) == before

    def test_a_frequent_key_is_left_out_of_the_lookup(self, desk, monkeypatch):
        monkeypatch.setattr(matching, "MAX_KEY_FANOUT", 1)
        # Every key of the claim is now shared by at most one canonical claim, so it still counts.
        assert [c.canonical for c in matching.candidates(desk["fa_claim"])] == [desk["canonical"]]
        second = CanonicalClaim.objects.create(statement="۳۰۰۰ در الباغوز", language="fa", created_by=desk["adjudicator"])
        matching.refresh_keys([second.pk])
        # "3000" and "باغوز", its only keys, are now each in two canonical claims: past the fan-out,
        # left out of the lookup; the claimant's name (only in the first) still finds the first.
        found = matching.candidates(desk["fa_claim"])
        assert desk["canonical"] in [c.canonical for c in found] and second not in [c.canonical for c in found]

    @pytest.mark.parametrize("extra", [0, 30])
    def test_query_count_is_constant(self, desk, django_assert_num_queries, extra):
        for number in range(extra):
            claim = factories.make_claim(desk["persian"], desk["annotator"], "۳۰۰۰ تروریست")
            workflow.create_canonical(user=desk["adjudicator"], target=claim) if number == 0 else None
            CanonicalClaim.objects.create(statement=f"۳۰۰۰ تروریست داعشی {number}", language="fa", created_by=desk["adjudicator"])
        matching.refresh_keys(CanonicalClaim.objects.values_list("pk", flat=True))
        matching.known_name_words()  # the per-process cache of claimants' names, read once a minute
        with django_assert_num_queries(4):
            assert matching.candidates(desk["fa_claim"])

    def test_visible_restricts_the_candidates(self, desk):
        assert matching.candidates(desk["fa_claim"], visible=CanonicalClaim.objects.none()) == []
