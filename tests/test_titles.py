"""Derived titles skip the site's chrome: date lines and mastheads (docs/domain.md, Titles)."""

from pathlib import Path

import pytest

from annotations.importing import derive_title
from annotations.importing.titles import is_date_line, is_masthead_line

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(stem: str) -> str:
    return next(SEEDS.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def test_seed_002_title_is_its_headline_not_the_date_or_masthead():
    assert derive_title(seed("002")) == 'اتفاق يقضي بخروج مسلحي داعش من "الباغوز".. و"قسد" تنفي'


@pytest.mark.parametrize(
    ("stem", "start"),
    [
        ("000", "به گزارش ایسنا، چند منبع مطلع"),
        ("001", "مقتل العشرات واستسلام المئات"),
        ("003", "نیروهای دموکراتیک سوریه از تسلیم شدن ۳۰۰۰ تن"),
        ("004", "خروج الآلاف من آخر جيوب داعش في شرق سوريا"),
    ],
)
def test_seeds_whose_first_line_is_the_headline_keep_it(stem, start):
    assert derive_title(seed(stem)).startswith(start)


@pytest.mark.parametrize(
    "line",
    [
        "الثلاثاء 23 أبريل 2024",
        "الثلاثاء ٢٣ ابريل ٢٠٢٤",
        "۲۳ اسفند ۱۳۹۷",
        "سه‌شنبه ۲۱ اسفند ۱۳۹۷ - ۱۰:۴۰",
        "Updated 3 Mar 2019, 10:40 GMT",
        "12/03/2019",
        "الأحد 10 آذار 2019 | 14:05",
        "٥ رجب ١٤٤٠ هـ",
    ],
)
def test_date_lines_in_any_script(line):
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    ["خروج 4900 شخص من الباغوز", "۳۰۰۰ تروریست داعشی تسلیم شدند", "March madness", "Floods in 2024 displace thousands"],
)
def test_headlines_with_numbers_or_month_names_are_not_date_lines(line):
    assert not is_date_line(line)


def test_masthead_lines():
    assert is_masthead_line("رئيس مجلسى الإدارة والتحرير")
    assert is_masthead_line("سردبیر: یک نام")
    assert is_masthead_line("بوابة العرب", outlet="بوابة  العرب")
    assert not is_masthead_line("بوابة العرب")
    assert not is_masthead_line("اتفاق يقضي بخروج مسلحي داعش")


def test_outlet_name_and_short_lines_after_chrome_are_skipped():
    text = "وكالة الأنباء\n۲۳ اسفند ۱۳۹۷\nایسنا\n\nتسلیم ۳۰۰۰ تن در الباغوز\nمتن خبر"
    assert derive_title(text, outlet="وكالة الأنباء") == "تسلیم ۳۰۰۰ تن در الباغوز"


def test_a_short_headline_first_is_kept():
    assert derive_title("عاجل\nقال المتحدث إن 3000 شخص غادروا الباغوز.") == "عاجل"


def test_all_chrome_falls_back_to_the_first_line():
    assert derive_title("\n12 March 2019\n") == "12 March 2019"
    assert derive_title("") == ""


def test_the_import_derives_titles_with_the_rule_and_the_outlet(tmp_path, db):
    from django.core.management import call_command

    from annotations.models import Article

    path = tmp_path / "a.csv"
    text = "2024/04/23\nبوابة العرب\nعنوان الخبر الحقيقي هنا\nنص"
    path.write_text(f'external_id,outlet,text\nx,بوابة العرب,"{text}"\n', encoding="utf-8")
    call_command("import_articles", str(path), stdout=None)
    assert Article.objects.get(external_id="x").title == "عنوان الخبر الحقيقي هنا"
