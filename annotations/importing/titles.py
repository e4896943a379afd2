"""A title for an article that came without one: its first line that is not site chrome.

Pages copied from news sites often start with the site's chrome before the headline: the day's
date, the masthead ("رئيس مجلس الإدارة والتحرير" and a name, the outlet's name). The rule
(docs/domain.md, Titles), over the first `HEAD_LINES` non-blank lines:

- a *date line* is skipped: digits of any script with nothing else than weekday and month names
  (Latin, Arabic, Persian, Levantine and Hijri), date words ("updated", "تاريخ", "ساعت", …) and
  punctuation;
- a *masthead line* is skipped: one naming the editors ("رئيس التحرير", "سردبیر",
  "editor-in-chief", …), one that is the outlet's name, one repeated further down the head;
- once a line was skipped, short lines (at most `SHORT_WORDS` words) right after it are the rest
  of the masthead (the editor's name, the outlet's name) and are skipped too;
- the first line left is the title, cut at a word when long. When only short lines are left, the
  first of them; when every line of the head is chrome, the first non-blank line, as before the rule.

Matching is on folded text (`folding.fold_text`: alef and yeh forms, digits, case), so
"ابريل" and "أبريل", "۲۳" and "23" are alike.
"""

from __future__ import annotations

from .. import folding

HEAD_LINES = 12
SHORT_WORDS = 3

_DATE_WORDS = """
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
am pm gmt utc updated published posted last on at
الأحد الاحد الإثنين الاثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت
يناير فبراير مارس أبريل ابريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر
جانفي فيفري أفريل افريل ماي جوان جويلية أوت اوت
كانون الثاني شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين الأول
محرم صفر ربيع الآخر الثاني جمادى الأولى الآخرة رجب شعبان رمضان شوال ذو ذي القعدة الحجة
م هـ ه ص الساعة ساعة تاريخ بتاريخ النشر نشر في آخر اخر تحديث تم
شنبه یکشنبه دوشنبه سه‌شنبه سه چهارشنبه پنجشنبه پنج‌شنبه جمعه
فروردین اردیبهشت خرداد تیر مرداد امرداد شهریور مهر آبان آذر دی بهمن اسفند
ژانویه فوریه مارس آوریل مه ژوئن ژوئیه جولای اوت آگوست سپتامبر اکتبر نوامبر دسامبر
ساعت تاریخ انتشار به‌روزرسانی بروزرسانی روز ق ظ ب ش
"""

_MASTHEAD_PHRASES = (
    "رئيس التحرير", "رئيس مجلس الإدارة", "رئيس مجلسي الإدارة", "رئيس مجلسى الإدارة", "الإدارة والتحرير",
    "مدير التحرير", "رئيسة التحرير", "سردبیر", "مدیر مسئول", "مدیرمسئول", "صاحب امتیاز",
    "editor-in-chief", "editor in chief", "managing editor",
)

DATE_WORDS = frozenset(word for word, _start, _end in folding.words(folding.fold_text(_DATE_WORDS)))
MASTHEAD_PHRASES = tuple(folding.fold_text(phrase) for phrase in _MASTHEAD_PHRASES)


def is_date_line(line: str) -> bool:
    """A line with a digit and nothing else than date words and punctuation."""
    found = [word for word, _start, _end in folding.words(folding.fold_text(line))]
    has_digit = any(char.isdigit() for word in found for char in word)
    return has_digit and all(word in DATE_WORDS or word.replace(".", "").isdigit() for word in found)


def is_masthead_line(line: str, outlet: str = "") -> bool:
    """A line naming the editors, or the outlet's own name."""
    folded = " ".join(folding.fold_text(line).split())
    if outlet and folded == " ".join(folding.fold_text(outlet).split()):
        return True
    return any(phrase in folded for phrase in MASTHEAD_PHRASES)


def derive_title(text: str, limit: int = 120, outlet: str = "") -> str:
    """The first non-blank line that is not a date or masthead, cut at a word boundary when long."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = lines[:HEAD_LINES]
    repeated = {line for line in head if head.count(line) > 1}
    chrome = [is_date_line(line) or is_masthead_line(line, outlet) or line in repeated for line in head]
    # Failing a longer line, the first short one that is not chrome itself; failing that, the first line.
    plain = [line for line, is_chrome in zip(head, chrome, strict=True) if not is_chrome]
    line = plain[0] if plain else (lines[0] if lines else "")
    after_chrome = False
    for candidate, is_chrome in zip(head, chrome, strict=True):
        if is_chrome:
            after_chrome = True
        elif not (after_chrome and len(candidate.split()) <= SHORT_WORDS):
            line = candidate
            break
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    return line[: cut if cut > limit // 2 else limit].rstrip() + "…"
