"""import_articles: every format, every refusal, and that a refusal writes nothing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import text as textlib
from annotations.models import Article, Project

SEEDS = Path(__file__).parents[1] / "seeds"
PERSIAN = "به گزارش ایسنا، سه‌هزار نفر از الباغوز خارج شدند.\r\nانتهای پیام"
ARABIC = "قالَ مُصطفى بالي إنّ 3000 شخص غادروا 😀\r\nالباغوز."

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def refused(*args, **options) -> str:
    """Run an import that must fail; return its error output and check nothing was written."""
    before = (Article.objects.count(), Project.objects.count())
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_articles", *map(str, args), stdout=StringIO(), stderr=err, **options)
    assert (Article.objects.count(), Project.objects.count()) == before
    return err.getvalue() + str(error.value)


def test_seed_folder_imports_once_and_says_so_on_rerun():
    out, _ = run(SEEDS)
    assert "Imported 5 article(s)" in out
    article = Article.objects.get(external_id="000_7b2440a1b41ed335")
    raw = (SEEDS / "000_7b2440a1b41ed335.txt").read_bytes()
    assert article.text == raw.decode("utf-8").replace("\r\n", "\n")
    assert article.language == "fa" and article.direction == "rtl"
    assert article.text_sha256 == textlib.sha256_hex(article.text)
    assert article.source_sha256 == textlib.sha256_hex(raw)
    assert article.project.name == "Default"
    out, _ = run(SEEDS)
    assert "Nothing new to import" in out and "5 already imported" in out
    assert Article.objects.count() == 5


def test_txt_keeps_every_character_but_line_endings(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARABIC.encode())
    run(path, project="P")
    article = Article.objects.get()
    assert article.text == ARABIC.replace("\r\n", "\n")
    assert article.external_id == "story"
    assert article.import_had_bom and article.import_line_endings == "crlf"
    assert article.title == "قالَ مُصطفى بالي إنّ 3000 شخص غادروا 😀"


def test_csv_json_jsonl_with_metadata(tmp_path):
    (tmp_path / "a.csv").write_text(
        'external_id,title,text,language,url,published_at,outlet,extra\r\n'
        f'c1,عنوان,"{PERSIAN}",,https://www.isna.ir/x,2019-03-14,ISNA,ignored\r\n',
        encoding="utf-8",
        newline="",
    )
    (tmp_path / "b.json").write_text(
        json.dumps({"articles": [{"external_id": "j1", "text": ARABIC, "language": "ar"}]}), encoding="utf-8"
    )
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"external_id": 7, "text": "خبر <script>alert(1)</script>"}) + "\n\n"
        + json.dumps({"text": "قالت الحكومة"}) + "\n",
        encoding="utf-8",
    )
    out, _ = run(tmp_path, project="Mixed")
    assert "Imported 4 article(s)" in out
    c1 = Article.objects.get(external_id="c1")
    assert c1.text == PERSIAN.replace("\r\n", "\n") and c1.language == "fa"
    assert (c1.url, c1.outlet, str(c1.published_at), c1.title) == ("https://www.isna.ir/x", "ISNA", "2019-03-14", "عنوان")
    assert c1.source_row == 1
    assert Article.objects.get(external_id="j1").text == ARABIC.replace("\r\n", "\n")
    assert Article.objects.get(external_id="7").text == "خبر <script>alert(1)</script>"
    assert Article.objects.get(external_id="c-3").language == "ar"  # default id: file stem and row


def test_derived_titles_are_cut_at_a_word():
    from annotations.importing import derive_title

    assert derive_title("\n  عنوان قصير  \nنص") == "عنوان قصير"
    long = "کلمه " * 60
    title = derive_title(long)
    assert title.endswith("…") and len(title) <= 121 and title[:-1] == title[:-1].rstrip()
    assert long.startswith(title[:-1])


def test_a_200kb_article_in_csv(tmp_path):
    big = ("قال المتحدث إن 3000 شخص غادروا. " * 7000)[:200_000]
    (tmp_path / "big.csv").write_text("text\n" + '"' + big + '"\n', encoding="utf-8")
    run(tmp_path / "big.csv")
    assert len(Article.objects.get().text) == 200_000


def test_language_override_and_legacy_encoding(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("قال المتحدث".encode("cp1256"))
    assert "invalid utf-8 at byte" in refused(path)
    run(path, encoding="windows-1256", language="ar-SY")
    article = Article.objects.get()
    assert article.text == "قال المتحدث" and article.language == "ar-sy"
    assert article.import_encoding == "cp1256"


def test_dry_run_writes_nothing():
    out, _ = run(SEEDS, dry_run=True)
    assert "would import 5" in out
    assert not Article.objects.exists() and not Project.objects.exists()


def test_duplicate_text_under_another_id_is_skipped(tmp_path):
    (tmp_path / "one.txt").write_text("خبر واحد", encoding="utf-8")
    (tmp_path / "two.txt").write_text("خبر واحد", encoding="utf-8")
    out, _ = run(tmp_path)
    assert "Imported 1 article(s)" in out and "skipped" in out
    assert Article.objects.count() == 1


def test_changed_text_under_a_known_id_is_refused(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("النص الأول", encoding="utf-8")
    run(path)
    path.write_text("نص مختلف", encoding="utf-8")
    assert "already exists with a different text" in refused(path)
    assert Article.objects.get().text == "النص الأول"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "the text is empty"),
        ("blank.txt", b" \r\n\t \xe3\x80\x80", "only whitespace"),
        ("invisible.txt", "\u200c\u200f\ufeff\u200e".encode(), "only invisible characters"),
        ("bom-only.txt", b"\xef\xbb\xbf", "the text is empty"),
        ("bad.txt", "خبر".encode() + b"\xc3\x28", "invalid utf-8 at byte 6"),
        ("nul.txt", b"abc\x00def", "NUL character"),
        ("no-text.csv", b"title,body\nx,y\n", "no 'text' column"),
        ("ragged.csv", b"text,title\n\"a\",b,c\n", "row 1: the row has 3 cells"),
        ("broken.csv", b'text\n"unterminated\n', "broken CSV"),
        ("empty-cell.csv", b"text,external_id\n,x\n", "row 1: the text is empty"),
        ("headerless.csv", b"", "no header row"),
        ("broken.json", b'[{"text": "a"', "broken JSON at line 1"),
        ("scalar.json", b'"text"', "expected a list of articles"),
        ("missing.json", b'[{"title": "x"}]', "row 1: missing 'text'"),
        ("number.json", b'[{"text": 5}]', "'text' must be text"),
        ("surrogate.json", b'[{"text": "a\\ud800b"}]', "lone surrogate"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("bad-line.jsonl", b'{"text": "ok"}\n{"text": \n', "row 2: broken JSON"),
        ("list.jsonl", b'["text"]\n', "row 1: expected an object"),
        ("bad-url.json", b'[{"text": "a", "url": "javascript:alert(1)"}]', "'url' is not an http(s) URL"),
        ("bad-date.json", b'[{"text": "a", "published_at": "yesterday"}]', "'published_at' is not an ISO date"),
        ("bad-lang.json", b'[{"text": "a", "language": "12"}]', "not a language code"),
        ("dupe-id.jsonl", b'{"external_id": "x", "text": "a"}\n{"external_id": "x", "text": "b"}\n', "already exists with a different text"),
        ("notes.md", b"text", "unsupported file type"),
    ],
)
def test_refusals_name_file_row_and_reason_and_write_nothing(tmp_path, name, content, reason):
    (tmp_path / "good.txt").write_text("خبر صحيح", encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(content)
    message = refused(tmp_path / "good.txt", path)
    assert name in message
    assert reason in message


def test_unknown_encoding_and_missing_path(tmp_path):
    assert "unknown encoding" in refused(SEEDS, encoding="klingon")
    assert "no such file or folder" in refused(tmp_path / "nope.txt")


def test_oversized_file_is_refused(tmp_path, settings):
    settings.ANNOTATIONS_MAX_IMPORT_BYTES = 100
    path = tmp_path / "big.txt"
    path.write_text("خ" * 100, encoding="utf-8")
    assert "the limit is 100" in refused(path)


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"\xff")
    message = refused(tmp_path)
    assert "a.txt" in message and "b.txt" in message and "2 problem(s)" in message
