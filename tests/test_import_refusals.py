"""Import refusals: hostile input to import_articles and the admin upload is refused
with its file, row and reason, exits non-zero (or shows a form error), and writes nothing."""

import codecs
import json
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import text as textlib
from annotations.models import Article, Project

pytestmark = pytest.mark.django_db

GOOD = "قال المتحدث إن 3000 شخص غادروا الباغوز."

# Codecs that decode bytes to str (or claim to) but are not character sets.
NOT_TEXT_ENCODINGS = [
    "rot13", "rot_13", "base64", "base64_codec", "zlib", "bz2", "hex", "uu", "quopri",
    "punycode", "idna", "undefined", "unicode_escape", "raw_unicode_escape", "charmap",
]


def written() -> tuple:
    return Article.objects.count(), Project.objects.count()


def refused(*args, **options) -> str:
    """Run import_articles expecting a refusal; check nothing was written; return every message."""
    before = written()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err, **options)
    assert written() == before
    message = err.getvalue() + str(error.value)
    assert "Traceback" not in message + out.getvalue()
    return message


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


# Encodings


@pytest.mark.parametrize("name", NOT_TEXT_ENCODINGS)
def test_codecs_that_are_not_character_sets_are_refused(name):
    with pytest.raises(textlib.TextError) as error:
        textlib.check_encoding(name)
    assert error.value.code == "not_text_encoding"
    assert "not a character encoding" in error.value.message


def test_every_codec_that_says_it_is_not_text_is_refused():
    """Whatever else is registered: codecs.lookup's own flag decides too."""
    import encodings.aliases

    for alias in set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()):
        try:
            info = codecs.lookup(alias)
        except LookupError:
            continue
        if not getattr(info, "_is_text_encoding", True):
            with pytest.raises(textlib.TextError):
                textlib.check_encoding(alias)


@pytest.mark.parametrize("name", ["utf-8", "UTF8", "windows-1256", "cp1256", "iso-8859-6", "utf-16", "mac_arabic", "cp720"])
def test_real_character_sets_are_accepted(name):
    assert textlib.check_encoding(name)


@pytest.mark.parametrize("name", ["base64", "rot13", "unicode_escape", "punycode", "idna", "undefined"])
def test_command_refuses_non_text_encodings(good, name):
    message = refused(good, encoding=name)
    assert f"{name!r} is not a character encoding" in message


# JSON and CSV that break the parsers


def test_json_number_past_the_int_string_limit(tmp_path, good):
    limit = sys.get_int_max_str_digits()
    path = tmp_path / "huge-number.json"
    path.write_text('[{"text": "خبر", "external_id": ' + "9" * (limit + 1) + "}]", encoding="utf-8")
    message = refused(good, path)
    assert f"huge-number.json: the JSON has a number with {limit + 1} digits; the limit is {limit}" in message


def test_jsonl_number_past_the_limit_names_its_row(tmp_path, good):
    path = tmp_path / "huge-number.jsonl"
    path.write_text('{"text": "خبر"}\n{"text": "نص", "extra": ' + "1" * 5000 + "}\n", encoding="utf-8")
    assert "huge-number.jsonl, row 2: the JSON has a number with 5000 digits" in refused(good, path)


def test_a_number_at_the_limit_is_fine(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text('[{"text": "خبر", "extra": ' + "9" * sys.get_int_max_str_digits() + "}]", encoding="utf-8")
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    assert Article.objects.count() == 1


def test_import_annotations_refuses_huge_numbers_too(tmp_path):
    path = tmp_path / "claims.json"
    path.write_text('{"articles": [{"external_id": ' + "9" * 5000 + "}]}", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_annotations", str(path), stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("numbers.json", b"[1, 2, 3]", "numbers.json, row 1: expected an object"),
        ("deep.json", b"[" * 50_000 + b"]" * 50_000, "deep.json: the JSON is nested too deeply"),
        ("deep.jsonl", b'{"text": "a"}\n' + b"[" * 50_000 + b"\n", "deep.jsonl, row 2: the JSON is nested too deeply"),
        ("date.json", b'[{"text": "a", "published_at": "2019-02-30"}]', "date.json, row 1: 'published_at' is not an ISO date"),
        ("year.json", b'[{"text": "a", "published_at": "99999-01-01"}]', "year.json, row 1: 'published_at' is not an ISO date"),
        ("date-number.json", b'[{"text": "a", "published_at": 20190314}]', "date-number.json, row 1: 'published_at' is not an ISO date"),
        ("nan.json", b'[{"text": "a", "published_at": NaN}]', "nan.json, row 1: 'published_at' is not an ISO date"),
        ("surrogate-title.json", b'[{"text": "a", "title": "\\udc00"}]', "surrogate-title.json, row 1: 'title' contains a lone surrogate"),
        ("surrogate-id.jsonl", b'{"text": "a", "external_id": "x\\ud800"}\n', "surrogate-id.jsonl, row 1: 'external_id' contains a lone surrogate"),
        ("binary.txt", bytes(range(256)) * 4, "binary.txt: invalid utf-8 at byte 128"),
        ("binary.json", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary.json: invalid utf-8 at byte 0"),
        ("long-title.csv", b"text,title\na," + b"t" * 600 + b"\n", "long-title.csv, row 1: 'title' is longer than 500 characters"),
        ("language.json", b'[{"text": "a", "language": "ar-aaaaaaaa-bbbbbbbb-cc"}]', "language.json, row 1: 'language' is longer than 20"),
    ],
)
def test_hostile_files_are_refused_by_name_row_and_reason(tmp_path, good, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    message = refused(good, path)
    assert reason in message
    # One problem per bad row: [1, 2, 3] has three.
    assert f"{3 if name == 'numbers.json' else 1} problem(s) found; nothing was imported" in message


def test_csv_field_bigger_than_the_csv_module_default(tmp_path, settings):
    """A cell past csv's default 128 KiB is read, then refused by the article's own limit."""
    settings.ANNOTATIONS_MAX_ARTICLE_CHARS = 150_000
    path = tmp_path / "huge-cell.csv"
    path.write_text('text\n"' + "خ" * 200_000 + '"\n', encoding="utf-8")
    assert "huge-cell.csv, row 1: the text has 200000 characters; the limit is 150000" in refused(path)


def test_csv_field_limit_lowered_elsewhere_is_still_a_clean_refusal_or_import(tmp_path):
    import csv

    csv.field_size_limit(1000)
    path = tmp_path / "cell.csv"
    path.write_text('text\n"' + "خ" * 5000 + '"\n', encoding="utf-8")
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    assert len(Article.objects.get().text) == 5000


# Paths, options and zero-file imports


def test_nonexistent_path(tmp_path):
    assert f"{tmp_path / 'nope.txt'}: no such file or folder" in refused(tmp_path / "nope.txt")


def test_something_that_is_neither_a_file_nor_a_folder(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert f"{fifo}: not a regular file or a folder" in refused(fifo)


def test_unreadable_file(tmp_path, good, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD + "!", encoding="utf-8")
    original = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert "locked.txt: cannot read the file: Permission denied" in refused(good, locked)


def test_empty_folder_is_refused_and_creates_no_project(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    for dry_run in (False, True):
        message = refused(folder, project="Never", dry_run=dry_run)
        assert f"{folder}: the folder has no .txt, .csv, .json, .jsonl files" in message
    assert not Project.objects.filter(name="Never").exists()


def test_folder_with_only_unsupported_or_hidden_files_is_refused(tmp_path):
    (tmp_path / "notes.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    assert "the folder has no .txt, .csv, .json, .jsonl files" in refused(tmp_path, project="Never")
    assert not Project.objects.exists()


def test_only_unsupported_files_named_directly(tmp_path):
    (tmp_path / "notes.md").write_text(GOOD, encoding="utf-8")
    message = refused(tmp_path / "notes.md", dry_run=True)
    assert "notes.md: unsupported file type" in message
    assert not Project.objects.exists()


def test_no_paths_at_all():
    with pytest.raises(CommandError) as error:
        call_command("import_articles", stdout=StringIO(), stderr=StringIO())
    assert "paths" in str(error.value)
    assert written() == (0, 0)


@pytest.mark.parametrize("name, content", [("empty-list.json", b"[]"), ("header-only.csv", b"text,title\n"), ("blank.jsonl", b"\n\n"), ("export.json", b'{"articles": []}')])
def test_files_with_no_articles_are_refused_and_create_no_project(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    for dry_run in (False, True):
        assert f"{name}: the file contains no articles" in refused(path, project="Never", dry_run=dry_run)
    assert not Project.objects.exists()


def test_an_empty_file_beside_real_articles_is_fine(tmp_path, good):
    (tmp_path / "empty-list.json").write_bytes(b"[]")
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert Article.objects.count() == 1


def test_dry_run_creates_no_project(good):
    call_command("import_articles", str(good), project="Dry", dry_run=True, stdout=StringIO(), stderr=StringIO())
    assert written() == (0, 0)


@pytest.mark.parametrize("language", ["12", "arabic language", "ar-" + "x" * 30, "", "a\x00"])
def test_language_junk(good, language):
    assert "is not a language code" in refused(good, language=language)


def test_an_empty_encoding_is_refused_not_taken_for_utf8(good):
    assert "unknown encoding ''" in refused(good, encoding="")


@pytest.mark.parametrize(
    "project, reason",
    [
        ("p" * 300, "the project name has 300 characters; the limit is 200"),
        ("   ", "the project name is empty"),
        ("a\x00b", "control character"),
        ("line\nbreak", "control character"),
    ],
)
def test_project_name_junk(good, project, reason):
    assert reason in refused(good, project=project)


def test_project_name_is_stripped(good):
    call_command("import_articles", str(good), project="  Baghuz  ", stdout=StringIO(), stderr=StringIO())
    assert Project.objects.get().name == "Baghuz"


def test_every_problem_one_line_each(tmp_path):
    (tmp_path / "a.json").write_bytes(b"[1]")
    (tmp_path / "b.json").write_bytes(b'[{"text": "a", "external_id": ' + b"9" * 5000 + b"}]")
    (tmp_path / "c.txt").write_bytes(b"\xff")
    message = refused(tmp_path, tmp_path / "missing")
    lines = [line for line in message.splitlines() if line.startswith("refused ")]
    assert len(lines) == 4, message
    assert "3 problem(s)" not in message and "4 problem(s) found; nothing was imported" in message


def test_every_bad_row_of_a_file_is_named_not_only_the_first(tmp_path):
    (tmp_path / "bad.jsonl").write_text(
        '{"text": "نص جيد", "external_id": "ok"}\n{"text": "   "}\n{broken\n{"text": "a\\u0000b"}\n{"title": "no text"}\n[1]\n',
        encoding="utf-8",
    )
    (tmp_path / "bad.csv").write_text(
        "external_id,text,published_at,url\nx1,نص,2019-02-31,\nx2,نص آخر,,javascript:alert(1)\nx3,نص ثالث\n", encoding="utf-8"
    )
    message = refused(tmp_path).replace(f"{tmp_path}/", "")
    lines = sorted(line for line in message.splitlines() if line.startswith("refused "))
    assert [line.split(":")[0] for line in lines] == [
        "refused bad.csv, row 1", "refused bad.csv, row 2", "refused bad.csv, row 3",
        "refused bad.jsonl, row 2", "refused bad.jsonl, row 3", "refused bad.jsonl, row 4",
        "refused bad.jsonl, row 5", "refused bad.jsonl, row 6",
    ], message


def test_random_json_never_escapes_as_a_traceback(tmp_path):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.sampled_from(["text", "external_id", "title", "language", "url", "published_at", "outlet", "articles"]), children, max_size=4),
        ),
        max_leaves=12,
    )

    @settings(max_examples=60, deadline=None)
    @given(value=values, lines=st.booleans())
    def check(value, lines):
        path = tmp_path / ("random.jsonl" if lines else "random.json")
        path.write_text(json.dumps(value), encoding="utf-8")
        try:
            call_command("import_articles", str(path), project="Random", dry_run=True, stdout=StringIO(), stderr=StringIO())
        except CommandError:
            pass
        assert written() == (0, 0)

    check()
