"""Matching claims with canonical claims: match keys, and candidates ranked from an index.

Keys (docs/canonical-claims.md has the rule and the weights) are strings drawn
from a text's folded words (`folding`), so Persian and Arabic spellings and
digits of any script meet:

- `n:3000` — a number of two or more digits, after digit folding (۳۰۰۰ = ٣٠٠٠ =
  3000 = 3,000); never rounded or rewritten;
- `w:باغوز` — a content word: folded, its Arabic clitic prefix removed (below),
  at least MIN_WORD letters, not a stopword of Arabic, Persian or English;
- `e:بالي` — a named entity: a content word that is a word of a known
  claimant's name (any source but unnamed sources and the article itself,
  folded: "مصطفی بالی" and "مصطفى بالي" give the same words), or a word
  written with a capital letter in a cased script ("Reuters");
- `s:12` — the claimant, by source id.

A word's clitic prefix (folding.PREFIXES, with ل + ال written لل) is removed
when at least MIN_WORD letters remain: a prefix holding the article ال always
("الباغوز", "بالباغوز", "للباغوز" → "باغوز"); a conjunction or preposition
alone (و ف ب ل ك) only in Arabic-script languages that have these clitics (not
Persian, Pashto, Urdu, Sorani), and then the word is kept as written too, since
"باغوز" may be a name starting with ب: it gives both "باغوز" and "اغوز".

A canonical claim's keys come from its statement, translation and claimant and
from every appearance's quote and claimant; they are stored in `MatchKey`
(`refresh_keys`) whenever one of those changes. A claim's candidates are the
canonical claims sharing its keys, found through the index on the key
(`candidates`): a fixed number of queries, with the work of each key bounded.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connections
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from rapidfuzz import fuzz

from . import folding
from .models import Appearance, CanonicalClaim, GoldClaim, MatchDismissal, MatchKey, Source

NUMBER, WORD, ENTITY, CLAIMANT = "n:", "w:", "e:", "s:"
MIN_WORD = 3
MAX_KEY = 120  # MatchKey.key's length
MAX_QUERY_KEYS = 64  # keys of one claim asked of the index
# A key shared by more canonical claims than this says little about any of them and
# would make the query read that many rows: it is left out of the index lookup (it
# still counts when the candidates found through rarer keys are ranked).
MAX_KEY_FANOUT = 500
POOL = 30  # candidates read from the index, then ranked here

# Weights of the ranking (each part is between 0 and 1; the score is out of 100).
WEIGHTS = {"text": 40, "numbers": 25, "claimant": 15, "names": 10, "words": 10}

_ARTICLE = "\u0627\u0644"  # ال
_LAM_ARTICLE = "\u0644\u0627\u0644"  # ل + ال, written لل
_ARTICLE_PREFIXES = sorted(
    {p for p in folding.PREFIXES if p.endswith(_ARTICLE)}
    | {p[: -len(_LAM_ARTICLE)] + "\u0644\u0644" for p in folding.PREFIXES if p.endswith(_LAM_ARTICLE)},
    key=len,
    reverse=True,
)
_OTHER_PREFIXES = sorted((p for p in folding.PREFIXES if p and not p.endswith(_ARTICLE)), key=len, reverse=True)
# Languages in Arabic script without Arabic's conjunction and preposition clitics.
NO_CLITICS = ("fa", "ps", "ur", "ckb")
_CONJUNCTIONS = ("\u0648", "\u0641")  # و ف
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")

_STOPWORDS_TEXT = """
في من الي الى على علي عن مع هذا هذه ذلك تلك التي الذي الذين اللذين اللتين ان انه انها كان كانت يكون تكون
قد لقد لا لم لن ما ماذا لماذا هو هي هم هن هما نحن انا انت انتم كل بعض بين حتى ثم او ام بل لكن غير عند منذ
خلال بعد قبل حول ضد نحو دون لدي لدى عبر اي اذا اذ كما كذلك ايضا فقط قال قالت يقول تقول اضاف اضافت اكد اكدت
اشار اشارت يوم اليوم امس وفق وفقا حيث التى هناك هنا الان وقت بسبب اجل جميع احد احدى منها منه فيها فيه عليه
عليها اليه اليها لها له لهم بها به بهم ولا وهو وهي وقد وكان وكانت التي الذي ذكر ذكرت نقل نقلت وذلك وهذا
از به با در که این ان آن را و یا تا برای هم نیز بر است بود بودند شد شده شدند شود میشود می نمی هر چند اما
اگر خود ما شما او انها آنها ایشان وی یک کرد کرده کردند کند کنند کرد دارد دارند داشت داشتند گفت گفته گفتند
باید نیست هست همچنین پس پیش بین روی زیر تحت طی درباره علیه توسط چه چون همه دیگر اینکه آنکه ولی بنابراین
the a an and or of to in on at for by with from as is are was were be been being this that these those it its
he she they we you i not no but if then than so said says say also after before over under about into more
most some any all has have had will would can could may might which who whom what when where while per
""".split()
STOPWORDS = frozenset(folding.fold(word).text for word in _STOPWORDS_TEXT)


_PREFIX_STARTS = frozenset(prefix[0] for prefix in _ARTICLE_PREFIXES + _OTHER_PREFIXES)


def stems(word: str, language: str = "") -> tuple[str, ...]:
    """The forms of a folded word that become its keys (module docstring)."""
    if word[:1] not in _PREFIX_STARTS:  # most words: no prefix to look for
        return (word,)
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_WORD:
            return (word[len(prefix) :],)
    if not language.lower().startswith(NO_CLITICS):
        for prefix in _OTHER_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= MIN_WORD:
                return (word, word[len(prefix) :])
    return (word,)


def _numbers(word: str) -> list[str]:
    """The numbers in a folded word: runs of digits, with a decimal point, of two characters or more
    (a lone digit, a day or a count of 3, says too little)."""
    return [number[: MAX_KEY - 2] for number in _DIGITS.findall(word) if len(number) >= 2]


def _content(word: str, language: str) -> tuple[str, ...]:
    """A word's content forms: its stems that are long enough and not stopwords; none for a
    stopword, a stopword after the conjunction و or ف ("وقال"), or a number."""
    if word in STOPWORDS or (word[:1] in _CONJUNCTIONS and word[1:] in STOPWORDS) or not any(c.isalpha() for c in word):
        return ()
    return tuple(form[: MAX_KEY - 2] for form in stems(word, language) if len(form) >= MIN_WORD and form not in STOPWORDS)


def name_words(name: str) -> set[str]:
    """The content words of a claimant's name, folded (all their forms)."""
    folded = folding.fold(name or "").text
    return {form for word, _s, _e in folding.words(folded) for form in _content(word, "")}


def text_keys(text: str, language: str = "", *, names: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """The number, word and entity keys of a text; `names` are the known claimants' name words."""
    folded = folding.fold(text or "")
    keys: set[str] = set()
    for word, start, _end in folding.words(folded.text):
        keys.update(NUMBER + number for number in _numbers(word))
        forms = _content(word, language)
        if not forms:
            continue
        keys.update(WORD + form for form in forms)
        original = folded.source[folded.origin[start]]
        if original.isupper() or any(form in names for form in forms):
            keys.update(ENTITY + form for form in forms)
    return keys


def claimant_keys(source_id: int | None, name: str = "", kind: str = "") -> set[str]:
    """A claimant's keys: its id, and its name's words as entities (not for unnamed sources)."""
    if source_id is None:
        return set()
    keys = {f"{CLAIMANT}{source_id}"}
    if kind not in UNNAMED_KINDS:
        keys.update(ENTITY + word for word in name_words(name))
    return keys


UNNAMED_KINDS = ("unnamed_source", "the_article")


# The known claimants' name words, per process, for up to a minute (like the
# vocabularies); a source saved in this process clears it at once.
CACHE_SECONDS = 60
_names: dict[str, tuple[float, frozenset[str]]] = {}


def known_name_words() -> frozenset[str]:
    """The folded words of every named claimant's name (and its Latin transliteration)."""
    hit = _names.get("words")
    now = time.monotonic()
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    words: set[str] = set()
    for name, latin in Source.objects.exclude(kind__in=UNNAMED_KINDS).values_list("name", "name_latin").iterator():
        words |= name_words(name) | name_words(latin)
    _names["words"] = (now, frozenset(words))
    return _names["words"][1]


def clear_name_cache(**_kwargs) -> None:
    _names.clear()


post_save.connect(clear_name_cache, sender=Source, dispatch_uid="matching-names-save")
post_delete.connect(clear_name_cache, sender=Source, dispatch_uid="matching-names-delete")


def claim_keys(target, *, names: frozenset[str] | None = None) -> set[str]:
    """The keys of a claim or gold claim: its quote (in its article's language) and its claimant."""
    names = known_name_words() if names is None else names
    source = target.source if target.source_id else None
    return text_keys(target.quote, target.article.language, names=names) | claimant_keys(
        target.source_id, source.name if source else "", source.kind if source else ""
    )


def _query_keys(keys: set[str]) -> list[str]:
    """The keys asked of the index, at most MAX_QUERY_KEYS: claimant, numbers, names, then the longest words."""
    order = {CLAIMANT: 0, NUMBER: 1, ENTITY: 2, WORD: 3}
    return sorted(keys, key=lambda key: (order[key[:2]], -len(key), key))[:MAX_QUERY_KEYS]


def refresh_keys(canonical_ids) -> None:
    """Rebuild the stored keys of these canonical claims from their statement, translation,
    claimant and appearances (quotes and claimants). Call inside the transaction that changed them."""
    ids = sorted({int(pk) for pk in canonical_ids if pk is not None})
    if not ids:
        return
    names = known_name_words()
    statement_keys: dict[int, set[str]] = {}
    other_keys: dict[int, set[str]] = {}
    for pk, statement, language, translation, translation_language, source_id, name, kind in CanonicalClaim.objects.filter(
        pk__in=ids
    ).values_list("pk", "statement", "language", "translation", "translation_language", "claimant_id", "claimant__name", "claimant__kind"):
        statement_keys[pk] = text_keys(statement, language, names=names) | text_keys(translation, translation_language, names=names)
        other_keys[pk] = claimant_keys(source_id, name or "", kind or "")
    rows = Appearance.objects.filter(canonical_id__in=ids).values_list(
        "canonical_id", "article__language",
        "claim__quote", "claim__source_id", "claim__source__name", "claim__source__kind",
        "gold_claim__quote", "gold_claim__source_id", "gold_claim__source__name", "gold_claim__source__kind",
    )
    for canonical_id, language, quote, source_id, name, kind, gold_quote, gold_source, gold_name, gold_kind in rows:
        if quote is None:
            quote, source_id, name, kind = gold_quote, gold_source, gold_name, gold_kind
        other_keys[canonical_id] |= text_keys(quote or "", language, names=names) | claimant_keys(source_id, name or "", kind or "")
    MatchKey.objects.filter(canonical_id__in=ids).delete()
    MatchKey.objects.bulk_create(
        [
            MatchKey(canonical_id=pk, key=key, statement=key in statement_keys[pk])
            for pk in statement_keys
            for key in sorted(statement_keys[pk] | other_keys[pk])
        ],
        batch_size=1000,
    )


def linked_canonical_ids(*, claims=(), gold=()) -> list[int]:
    """The canonical claims these claims and gold claims appear under (whose keys change with them)."""
    return list(
        Appearance.objects.filter(Q(claim_id__in=list(claims)) | Q(gold_claim_id__in=list(gold))).values_list("canonical_id", flat=True)
    )


def _spellings(text: str) -> dict[str, str]:
    """Each folded word of `text` and how `text` itself writes it (its first time): the names a
    candidate shares are shown as the claim spells them, not in their folded form (ي for ى)."""
    folded = folding.fold(text)
    spelled: dict[str, str] = {}
    for word, start, end in folding.words(folded.text):
        if word not in spelled:
            original_start, original_end = folded.original_span(start, end)
            spelled[word] = text[original_start:original_end]
    return spelled


@dataclass
class Candidate:
    """A canonical claim suggested for a claim, with its score (0–100) and the reasons to show."""

    canonical: object
    score: int
    similarity: int  # folded-text similarity, percent
    numbers: list[str] = field(default_factory=list)
    same_claimant: bool = False
    names: list[str] = field(default_factory=list)
    words: int = 0
    appearances: int = 0
    languages: list[str] = field(default_factory=list)


def _pool_sql(connection, weights: list[int]) -> str:
    """The index lookup for keys of these weights: each key's first MAX_KEY_FANOUT + 1 rows, keys that
    reach that many dropped, the rest counted per canonical claim with their weights.

    Each key's rows are read through the (key, canonical) index and at most
    MAX_KEY_FANOUT + 1 of them, so the work is bounded whatever the key's frequency.
    """
    quote = connection.ops.quote_name
    keys = quote(MatchKey._meta.db_table)
    arms = " UNION ALL ".join(
        f"SELECT {n} AS k, {weight} AS w, s{n}.canonical_id FROM "
        f"(SELECT {quote('canonical_id')} AS canonical_id FROM {keys} WHERE {quote('key')} = %s LIMIT {MAX_KEY_FANOUT + 1}) s{n}"
        for n, weight in enumerate(weights)
    )
    appearances, dismissals = quote(Appearance._meta.db_table), quote(MatchDismissal._meta.db_table)
    return (
        f"WITH hits AS ({arms}), fanout AS (SELECT k FROM hits GROUP BY k HAVING COUNT(*) <= {MAX_KEY_FANOUT}) "
        f"SELECT h.canonical_id, SUM(h.w) AS weight FROM hits h INNER JOIN fanout f ON f.k = h.k "
        f"WHERE h.canonical_id NOT IN (SELECT canonical_id FROM {dismissals} WHERE {{column}} = %s) "
        f"AND h.canonical_id NOT IN (SELECT canonical_id FROM {appearances} WHERE {{column}} = %s) "
        f"GROUP BY h.canonical_id ORDER BY weight DESC, h.canonical_id DESC LIMIT {POOL}"
    )


_KEY_WEIGHTS = {CLAIMANT: 3, NUMBER: 3, ENTITY: 2, WORD: 1}


def candidates(target, *, limit: int = 5, visible=None, appearances=None) -> list[Candidate]:
    """The canonical claims most like a claim or gold claim, best first, with their reasons.

    Excludes the canonical claim it is linked to and those dismissed for it; with
    `visible` (a queryset of canonical claims), only those in it, and with `appearances`
    (a queryset of appearances) only those are counted.
    Four queries (five when the claimants' names are read again, once a minute)
    however many canonical claims there are.
    """
    names = known_name_words()
    keys = claim_keys(target, names=names)
    asked = _query_keys(keys)
    if not asked:
        return []
    connection = connections[MatchKey.objects.db]
    column = "gold_claim_id" if isinstance(target, GoldClaim) else "claim_id"
    sql = _pool_sql(connection, [_KEY_WEIGHTS[key[:2]] for key in asked]).format(column=connection.ops.quote_name(column))
    params = [*asked, target.pk, target.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pool = [row[0] for row in cursor.fetchall()]
    if not pool:
        return []
    shared: dict[int, set[str]] = {pk: set() for pk in pool}
    for canonical_id, key in MatchKey.objects.filter(canonical_id__in=pool, key__in=sorted(keys)).values_list("canonical_id", "key"):
        shared[canonical_id].add(key)
    found = CanonicalClaim.objects.filter(pk__in=pool).select_related("claimant")
    if visible is not None:
        found = found.filter(pk__in=visible.values("pk"))
    canonicals = {canonical.pk: canonical for canonical in found}
    counts: dict[int, int] = {}
    languages: dict[int, set[str]] = {}
    for canonical_id, language, number in (
        (Appearance.objects.all() if appearances is None else appearances)
        .filter(canonical_id__in=list(canonicals))
        .values_list("canonical_id", "article__language")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        counts[canonical_id] = counts.get(canonical_id, 0) + number
        languages.setdefault(canonical_id, set()).add(language)
    mine = _comparable.__wrapped__(target.quote, target.article.language)  # not cached: quotes may be long, and are asked once
    claimant_name = folding.fold(target.source.name).text if target.source_id else ""
    by_kind = {prefix: {key for key in keys if key.startswith(prefix)} for prefix in (NUMBER, ENTITY, WORD)}
    ranked = []
    spelled = _spellings(f"{target.quote}\n{target.source.name if target.source_id else ''}")
    for pk, canonical in canonicals.items():
        common = shared[pk]
        similarity = max(
            fuzz.token_set_ratio(mine, _comparable(canonical.statement, canonical.language)),
            fuzz.token_set_ratio(mine, _comparable(canonical.translation, canonical.translation_language)) if canonical.translation else 0,
        )
        numbers = sorted(key[2:] for key in common & by_kind[NUMBER])
        entities = sorted(spelled.get(key[2:], key[2:]) for key in common & by_kind[ENTITY])
        words = len(common & by_kind[WORD])
        same_claimant = f"{CLAIMANT}{target.source_id}" in common or bool(
            claimant_name and canonical.claimant_id and folding.fold(canonical.claimant.name).text == claimant_name
        )
        parts = {
            "text": similarity / 100,
            "numbers": len(numbers) / len(by_kind[NUMBER]) if by_kind[NUMBER] else 0,
            "claimant": 1 if same_claimant else 0,
            "names": min(1, len(entities) / 2),
            "words": min(1, words / len(by_kind[WORD])) if by_kind[WORD] else 0,
        }
        score = round(sum(WEIGHTS[name] * value for name, value in parts.items()))
        ranked.append(
            Candidate(
                canonical=canonical, score=score, similarity=round(similarity), numbers=numbers,
                same_claimant=same_claimant, names=entities, words=words,
                appearances=counts.get(pk, 0), languages=sorted(languages.get(pk, ())),
            )
        )
    ranked.sort(key=lambda candidate: (-candidate.score, -candidate.canonical.pk))
    return ranked[:limit]


@lru_cache(maxsize=4096)  # the same canonical claims come back as candidates, request after request
def _comparable(text: str, language: str) -> str:
    """A text as the similarity compares it: folded words, clitic prefixes removed."""
    return " ".join(stems(word, language)[-1] for word, _s, _e in folding.words(folding.fold(text or "").text))


def search_keys(query: str) -> list[tuple[str, ...]]:
    """The keys a list search asks for, one tuple of alternatives per query word (numbers and content words)."""
    wanted = []
    for word, _s, _e in folding.words(folding.fold(query or "").text):
        numbers = [NUMBER + number for number in _numbers(word)]
        if numbers:
            wanted.extend((number,) for number in numbers)
            continue
        forms = _content(word, "")
        if forms:
            wanted.append(tuple(WORD + form for form in forms))
    return wanted


def statement_search(queryset, query: str):
    """Canonical claims whose statement or translation holds every word of the query (folded, clitics allowed);
    None when the query has no word to look up (only stopwords or short words)."""
    wanted = search_keys(query)
    if not wanted:
        return None
    for alternatives in wanted:
        queryset = queryset.filter(pk__in=MatchKey.objects.filter(key__in=alternatives, statement=True).values("canonical_id"))
    return queryset

