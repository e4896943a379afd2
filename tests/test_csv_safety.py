"""Every CSV (and other sheet) the app writes is safe to open in a spreadsheet.

A text cell starting with =, +, -, @, a tab or a carriage return gets one
leading apostrophe; numbers stay numbers. Covered: the app's CSV export, the
dashboard CSV, and django-import-export's admin exports.
"""

import csv
import io

import pytest
from django import forms
from django.urls import reverse

from annotations import exporting
from annotations.models import Project, Source

from . import factories

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x")', "\tcmd", "\r=1+1", "+1", "-1", "@SUM(A1)"]


def test_formula_safe_covers_every_leading_character_and_round_trips():
    assert exporting.FORMULA_START == ("=", "+", "-", "@", "\t", "\r")
    for value in [*DANGEROUS, "'=already", "''-twice"]:
        safe = exporting.formula_safe(value)
        assert safe == "'" + value
        assert exporting.formula_unsafe(safe) == value
    for value in ["plain", "'quoted", "a=b", "", " =x"]:
        assert exporting.formula_safe(value) == value == exporting.formula_unsafe(value)
    for number in (-5, -2.5, 3):
        assert exporting.formula_safe(number) == number


def test_the_export_and_the_dashboard_share_one_definition():
    import importlib

    dashboard = importlib.import_module("annotations.reading.dashboard")
    assert dashboard.formula_safe is exporting.formula_safe


def rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body, newline="")))


def admin_export(admin_client, model: str, fmt: str) -> str:
    """Export every object through django-import-export's admin form, all fields, in `fmt`."""
    url = reverse(f"admin:annotations_{model}_export")
    form = admin_client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if isinstance(field, forms.BooleanField)}
    data["format"] = next(value for value, label in form.fields["format"].choices if str(label).lower() == fmt)
    data["resource"] = "0"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment"), response.status_code
    return response.content.decode("utf-8")


def test_admin_csv_and_tsv_exports_neutralise_formulae(admin_client):
    for name in DANGEROUS:
        Source.objects.create(name=name, affiliation=name)
    csv_rows = rows(admin_export(admin_client, "source", "csv"))
    header, body = csv_rows[0], csv_rows[1:]
    names = [row[header.index("name")] for row in body]
    assert sorted(names) == sorted("'" + name for name in DANGEROUS)
    for row in body:
        for cell in row:
            assert not cell.startswith(exporting.FORMULA_START), row
    tsv_rows = list(csv.reader(io.StringIO(admin_export(admin_client, "source", "tsv"), newline=""), dialect="excel-tab"))
    assert sorted(row[header.index("name")] for row in tsv_rows[1:]) == sorted(names)
    for row in tsv_rows[1:]:
        for cell in row:
            assert not cell.startswith(exporting.FORMULA_START), row
    # JSON is data, not a sheet: exact.
    assert '"=HYPERLINK(\\"http://x\\")"' in admin_export(admin_client, "source", "json")


def test_admin_exports_of_projects_and_vocabularies_are_safe_too(admin_client):
    Project.objects.create(name="-2+3+cmd|' /C calc'!A0", guidelines="@guide")
    body = rows(admin_export(admin_client, "project", "csv"))
    header, row = body[0], body[1]
    assert row[header.index("name")] == "'-2+3+cmd|' /C calc'!A0"
    assert row[header.index("guidelines")] == "'@guide"
    assert row[header.index("annotators_per_article")] == "2"  # a number: as it is
    from annotations.models import ClaimType

    ClaimType.objects.filter(slug="numerical").update(label="=1+1")
    body = rows(admin_export(admin_client, "claimtype", "csv"))
    header = body[0]
    assert "'=1+1" in [row[header.index("label")] for row in body[1:]]


def test_admin_csv_import_takes_the_apostrophe_back_off(admin_client):
    for name in ["@handle", "'=quoted", "plain"]:
        Source.objects.create(name=name)
    exported = admin_export(admin_client, "source", "csv").encode()
    Source.objects.all().delete()
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:annotations_source_import")
    form = admin_client.get(url).context["form"]
    fmt = next(value for value, label in form.fields["format"].choices if str(label).lower() == "csv")
    response = admin_client.post(url, {"import_file": SimpleUploadedFile("s.csv", exported), "format": fmt, "resource": "0"})
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    response = admin_client.post(reverse("admin:annotations_source_process_import"), confirm.initial)
    assert response.status_code == 302
    assert sorted(Source.objects.values_list("name", flat=True)) == ["'=quoted", "@handle", "plain"]


def test_app_csv_export_neutralises_formulae(project, annotator, staff, client):
    text = " ".join(DANGEROUS) + " end"
    article = factories.make_article(text, project=project, external_id="=ext", title="=title")
    for quote in DANGEROUS:
        factories.make_claim(article, annotator, quote, note=quote)
    client.force_login(staff)
    response = client.get("/export/?format=csv")
    assert response.status_code == 200
    body = rows(b"".join(response.streaming_content).decode("utf-8"))
    header = body[0]
    quotes = [row[header.index("quote")] for row in body[1:]]
    assert sorted(quotes) == sorted("'" + quote for quote in DANGEROUS)
    for row in body[1:]:
        assert row[header.index("article_external_id")] == "'=ext"
        for cell in row:
            assert not cell.startswith(exporting.FORMULA_START), row
        assert int(row[header.index("start")]) >= 0  # numbers are written as numbers


def test_dashboard_csv_neutralises_formulae(project, annotator, staff, client):
    article = factories.make_article(project=project, external_id="@id", title='=HYPERLINK("http://x")')
    factories.assign(article, annotator)
    client.force_login(staff)
    response = client.get(reverse("project_dashboard", args=[project.pk]) + "?format=csv")
    assert response.status_code == 200
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    body = rows(content.decode("utf-8"))
    header = body[0]
    row = next(r for r in body[1:] if r[header.index("external_id")] == "'@id")
    assert row[header.index("title")] == "'=HYPERLINK(\"http://x\")"
    for cell in row:
        assert not cell.startswith(exporting.FORMULA_START), row
