"""Agreement between annotators, exactly as the README (Agreement) defines it. Pure Python.

Per article, the annotators compared are those with an assignment or at least
one claim on it. For each pair (a, b) on an article:

- exact match: claims with identical (start, end), paired one to one;
- overlap match: a one-to-one pairing of a's and b's claims that share at least
  one code point, chosen greedily by the longest shared stretch first (ties:
  smaller start in a, then in b; then smaller end in a, then in b);
- span F1 = 2·matches / (|a| + |b|); the project figure is the micro average
  2·Σ matches / Σ (|a| + |b|) over every article and pair.

Label agreement uses the overlap-matched pairs pooled over articles: Cohen's
kappa per annotator pair, and Krippendorff's alpha (nominal; ordinal on the
verdict scale) where every matched pair is one unit with two values.

Krippendorff's unitizing alpha follows Krippendorff, K. (1995) "On the
reliability of unitizing contiguous data", Sociological Methodology 25:47–76
(also Content Analysis, 2nd ed., 2004, §12.4), for one category ("claim")
against gaps, in the form implemented by DKPro Statistics
(KrippendorffAlphaUnitizingAgreement). The measure needs one annotator's units
not to overlap, so each annotator's claims are merged into their union first.
"""

from .figures import LABELS, annotator_figures, article_figures, project_figures  # noqa: F401
from .matching import (  # noqa: F401
    AGREE,
    PARTIAL,
    SINGLE,
    ArticleClaims,
    Group,
    Span,
    by_annotator,
    exact_pairs,
    group_claims,
    group_key,
    overlap_pairs,
    parse_group_key,
    provenance,
)
from .statistics import ORDINAL_VERDICTS, cohen_kappa, krippendorff_alpha, nominal, ordinal_metric  # noqa: F401
from .unitizing import merge_spans, unitizing_alpha  # noqa: F401
