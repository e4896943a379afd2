"""annotations.agreement, checked by hand and against the independent `krippendorff` package."""

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations import agreement as ag
from annotations.agreement import ArticleClaims, Span


def spans(*pairs, **labels):
    return [Span(s, e, **labels) for s, e in pairs]


class TestMatching:
    def test_exact_pairs_are_one_to_one(self):
        assert ag.exact_pairs(spans((0, 5), (0, 5), (7, 9)), spans((0, 5), (7, 9), (7, 10))) == 2

    def test_overlap_longest_shared_stretch_first(self):
        a = spans((0, 10), (12, 30))
        b = spans((5, 20))
        # (12, 30) shares 8 code points with (5, 20); (0, 10) shares 5.
        assert ag.overlap_pairs(a, b) == [(1, 0)]

    def test_overlap_ties_go_to_the_smaller_start_in_a_then_b(self):
        assert ag.overlap_pairs(spans((0, 10), (20, 30)), spans((5, 25))) == [(0, 0)]
        assert ag.overlap_pairs(spans((5, 25)), spans((20, 30), (0, 10))) == [(0, 1)]

    def test_touching_spans_share_nothing(self):
        assert ag.overlap_pairs(spans((0, 5)), spans((5, 9))) == []

    def test_one_to_one(self):
        pairs = ag.overlap_pairs(spans((0, 10)), spans((0, 4), (5, 10)))
        assert pairs == [(0, 1)]  # (5, 10) shares 5, (0, 4) shares 4


class TestKappa:
    def test_hand_computed(self):
        # p_o = 3/4; p_e = 2/4·1/4 + 2/4·3/4 = 1/2; kappa = (3/4 − 1/2) / (1/2) = 1/2
        assert ag.cohen_kappa([("t", "t"), ("t", "f"), ("f", "f"), ("f", "f")]) == pytest.approx(0.5)

    def test_undefined(self):
        assert ag.cohen_kappa([]) is None
        assert ag.cohen_kappa([("t", "t"), ("t", "t")]) is None

    def test_perfect_and_opposite(self):
        assert ag.cohen_kappa([("a", "a"), ("b", "b")]) == 1
        assert ag.cohen_kappa([("a", "b"), ("b", "a")]) == -1


def reference_alpha(units, level, domain=None):
    values = sorted({v for unit in units for v in unit}) if domain is None else list(domain)
    code = {v: i for i, v in enumerate(values)}
    data = np.array([[code[u[0]] for u in units], [code[u[1]] for u in units]], dtype=float)
    return krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=list(range(len(values))))


PAIRS = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), min_size=1, max_size=40)
ORDINAL_PAIRS = st.lists(
    st.tuples(st.sampled_from(ag.ORDINAL_VERDICTS), st.sampled_from(ag.ORDINAL_VERDICTS)), min_size=1, max_size=40
)


class TestAlpha:
    def test_wikipedia_style_hand_case(self):
        # Two coders, units (a,a) (a,b) (b,b): n_a = 3, n_b = 3, o_ab = o_ba = 1.
        # alpha = 1 − (n − 1)·Σo·δ / Σ n_c n_k δ = 1 − 5·2 / (3·3·2) = 1 − 10/18
        assert ag.krippendorff_alpha([("a", "a"), ("a", "b"), ("b", "b")]) == pytest.approx(1 - 10 / 18)

    def test_undefined_with_one_value(self):
        assert ag.krippendorff_alpha([("a", "a"), ("a", "a")]) is None
        assert ag.krippendorff_alpha([]) is None

    @given(PAIRS)
    def test_nominal_matches_the_krippendorff_package(self, units):
        ours = ag.krippendorff_alpha(units)
        if ours is None:
            assert len({v for unit in units for v in unit}) == 1
            return
        assert ours == pytest.approx(reference_alpha(units, "nominal"), abs=1e-9)

    @given(ORDINAL_PAIRS)
    def test_ordinal_matches_the_krippendorff_package(self, units):
        ours = ag.krippendorff_alpha(units, ag.ordinal_metric(ag.ORDINAL_VERDICTS))
        if ours is None:
            assert len({v for unit in units for v in unit}) == 1
            return
        assert ours == pytest.approx(reference_alpha(units, "ordinal", ag.ORDINAL_VERDICTS), abs=1e-9)


class TestUnitizing:
    def test_identical_units_agree_perfectly(self):
        assert ag.unitizing_alpha(10, [[(2, 5)], [(2, 5)]]) == 1

    def test_hand_computed_overlap(self):
        # Coder 1: unit [0,4), gap [4,10). Coder 2: gap [0,2), unit [2,6), gap [6,10).
        # Only the two units overlap: δ² = (0−2)² + (4−6)² = 8, so D_o = 2·8 / (2·1·10²) = 0.08.
        # Units of length 4 twice (N = 2); gaps 6, 2, 4. Per unit:
        #   (N−1)(2·4³ − 3·4² + 4)/3 = 28, plus 4²·[(6−4+1) + (4−4+1)] = 64.
        # D_e = (2/10)·2·92 / (2·10·(2·10 − 1) − 2·4·3) = 36.8 / 356.
        expected = 1 - 0.08 / (36.8 / 356)
        assert ag.unitizing_alpha(10, [[(0, 4)], [(2, 6)]]) == pytest.approx(expected)

    def test_unit_against_gap(self):
        # Coder 1 marks [3,5); coder 2 marks nothing. δ² = 2² = 4; D_o = 2·4/(2·100) = 0.04.
        # One unit (N = 1) of length 2; gaps 3, 5 and 10: Σ(g − 2 + 1) = 2 + 4 + 9 = 15.
        # D_e = (2/10)·(0 + 4·15) / (20·19 − 2) = 12 / 378.
        assert ag.unitizing_alpha(10, [[(3, 5)], []]) == pytest.approx(1 - 0.04 / (12 / 378))

    def test_overlapping_claims_of_one_annotator_are_merged(self):
        assert ag.unitizing_alpha(10, [[(0, 4), (2, 6)], [(0, 6)]]) == 1
        assert ag.merge_spans([(5, 9), (0, 3), (3, 4), (8, 12)]) == [(0, 4), (5, 12)]

    def test_undefined(self):
        assert ag.unitizing_alpha(10, [[], []]) is None
        assert ag.unitizing_alpha(10, [[(0, 2)]]) is None

    @given(st.lists(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12)), max_size=5), min_size=2, max_size=4))
    def test_bounded_and_symmetric(self, raw):
        raters = [[(s, min(40, s + size)) for s, size in rater] for rater in raw]
        value = ag.unitizing_alpha(40, raters)
        if value is None:
            return
        assert value <= 1 + 1e-9
        assert value == pytest.approx(ag.unitizing_alpha(40, list(reversed(raters))))


class TestProject:
    def make(self):
        first = ArticleClaims(
            "one",
            100,
            {
                "ann": spans((0, 10), verification_status="false", claim_type="numerical", check_worthiness="check_worthy")
                + spans((20, 30), verification_status="true", claim_type="quote", check_worthiness="check_worthy"),
                "bob": spans((0, 10), verification_status="mostly_false", claim_type="numerical", check_worthiness="check_worthy")
                + spans((25, 40), verification_status="true", claim_type="event", check_worthiness="not_factual")
                + spans((60, 70), verification_status="mixed", claim_type="event", check_worthiness="check_worthy"),
            },
        )
        second = ArticleClaims("two", 50, {"ann": spans((5, 9), verification_status="unassessed", claim_type="event", check_worthiness="check_worthy"), "bob": []})
        lonely = ArticleClaims("three", 20, {"ann": spans((0, 3), verification_status="true", claim_type="event", check_worthiness="check_worthy")})
        return [first, second, lonely]

    def test_figures_by_hand(self):
        figures = ag.project_figures(self.make())
        assert figures["articles"] == 3 and figures["annotators"] == ["ann", "bob"]
        # Pairs: article one (2 + 3 claims: 1 exact, 2 overlap), article two (1 + 0 claims).
        assert figures["span_f1"] == {"exact": pytest.approx(2 / 6), "overlap": pytest.approx(4 / 6)}
        # Matched verdicts: (false, mostly_false), (true, true): p_o = 1/2, p_e = 1/4 → kappa = 1/3.
        assert figures["verification_status"]["kappa"] == {"ann|bob": pytest.approx(1 / 3)}
        assert figures["verification_status"]["alpha_nominal"] == pytest.approx(
            reference_alpha([("false", "mostly_false"), ("true", "true")], "nominal")
        )
        assert figures["verification_status"]["alpha_ordinal"] == pytest.approx(
            reference_alpha([("false", "mostly_false"), ("true", "true")], "ordinal", ag.ORDINAL_VERDICTS)
        )
        assert figures["claim_type"]["alpha_nominal"] == pytest.approx(
            reference_alpha([("numerical", "numerical"), ("quote", "event")], "nominal")
        )
        assert figures["check_worthiness"]["alpha_nominal"] == pytest.approx(
            reference_alpha([("check_worthy", "check_worthy"), ("check_worthy", "not_factual")], "nominal")
        )
        # Articles one and two (two annotators each) laid end to end: 150 code points.
        joined = ag.unitizing_alpha(150, [[(0, 10), (20, 30), (105, 109)], [(0, 10), (25, 40), (60, 70)]])
        assert figures["unitizing_alpha"] == pytest.approx(joined)

    def test_per_article_and_per_annotator(self):
        one = ag.article_figures(self.make()[0])
        assert one["span_f1"]["overlap"] == pytest.approx(4 / 5) and one["claims"] == 5
        assert math.isfinite(one["unitizing_alpha"])
        people = ag.annotator_figures(self.make())
        assert people["ann"]["claims"] == 4 and people["ann"]["articles"] == 3
        assert people["bob"]["verdict_agreement"] == pytest.approx(1 / 2)

    def test_empty_project(self):
        figures = ag.project_figures([])
        assert figures["span_f1"] == {"exact": None, "overlap": None} and figures["unitizing_alpha"] is None


class TestGroups:
    def claims(self):
        v = {"verification_status": "false", "claim_type": "numerical", "check_worthiness": "check_worthy"}
        return {
            "ann": [Span(0, 10, id=1, **v), Span(20, 30, id=2, **v), Span(50, 60, id=3, **v)],
            "bob": [Span(0, 10, id=4, **v), Span(22, 30, id=5, **v)],
            "cat": [Span(0, 10, id=6, **v), Span(80, 90, id=7, **v)],
        }

    def test_groups_and_status(self):
        groups = ag.group_claims(self.claims())
        assert [(g.key, g.status) for g in groups] == [
            ("1-4-6", "agree"),
            ("2-5", "partial"),
            ("3", "single"),
            ("7", "single"),
        ]

    def test_labels_make_a_partial(self):
        claims = self.claims()
        claims["cat"][0] = Span(0, 10, id=6, verification_status="true", claim_type="numerical", check_worthiness="check_worthy")
        assert ag.group_claims(claims)[0].status == "partial"

    def test_provenance(self):
        claims = self.claims()
        group = ag.group_claims(claims)[0]
        version = claims["ann"][0].version
        assert ag.provenance(group.members, version, 3) == "unanimous"
        assert ag.provenance(group.members[:2], version, 3) == "majority"
        assert ag.provenance(group.members[:1], version, 3) == "adjudicated"
        assert ag.provenance(group.members[:1], version, 1) == "adjudicated"
        assert ag.provenance(group.members, (0, 9, "", "", "", ()), 3) == "adjudicated"


@given(st.lists(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=6), min_size=2, max_size=3))
def test_unitizing_expected_disagreement_matches_the_direct_sum(raw):
    """The suffix-sum computation equals Krippendorff's sum over every unit and gap, term by term."""
    from annotations.agreement import unitizing

    length = 80
    raters = [[(s, min(length, s + size)) for s, size in rater] for rater in raw]
    parts = unitizing._unitizing_parts(length, raters)
    units = [ag.merge_spans(r) for r in raters]
    lengths = [e - s for u in units for s, e in u]
    if parts is None:
        return
    gaps = [e - s for u in units for s, e, is_unit in unitizing._segments(u, length) if not is_unit]
    n = len(lengths)
    direct = sum((n - 1) * (2 * size**3 - 3 * size**2 + size) / 3 + size * size * sum(g - size + 1 for g in gaps if g >= size) for size in lengths)
    m = len(raters)
    expected = (2 / length) * direct / (m * length * (m * length - 1) - sum(size * (size - 1) for size in lengths))
    assert parts[1] == pytest.approx(expected)
