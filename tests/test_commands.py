"""Command options that name a project or a user refuse names that do not exist.

A mistyped name must not pass for an empty result: an export with no claims,
or figures over nothing, look like real answers.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from . import factories

pytestmark = pytest.mark.django_db


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "command, options, message",
    [
        ("export_annotations", {"annotator": "nobody"}, "no user named 'nobody'"),
        ("export_annotations", {"project": "Nowhere"}, "no project named 'Nowhere'"),
        ("export_annotations", {"project": "Nowhere", "gold": True}, "no project named 'Nowhere'"),
        ("agreement", {"project": "Nowhere"}, "no project named 'Nowhere'"),
        ("assign_articles", {"project": "Nowhere"}, "no project named 'Nowhere'"),
        ("assign_articles", {"project": "Baghuz", "annotators": "annotator,nobody"}, "nobody"),
    ],
)
def test_unknown_names_are_refused(tmp_path, project, annotator, command, options, message):
    output = tmp_path / "out.json"
    if command == "export_annotations":
        options = {**options, "output": str(output)}
    with pytest.raises(CommandError, match=message):
        run(command, **options)
    assert not output.exists()  # nothing half-written for the caller to mistake for an export


def test_import_annotations_refuses_an_unknown_project(tmp_path):
    path = tmp_path / "claims.json"
    path.write_text('{"articles": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="no project named 'Nowhere'"):
        run("import_annotations", str(path), project="Nowhere")


def test_export_of_a_known_annotator_without_claims_is_empty_not_refused(tmp_path, article, annotator):
    factories.make_user("quiet")
    factories.make_claim(article, annotator, "3000")
    output = tmp_path / "out.json"
    run("export_annotations", annotator="quiet", output=str(output))
    assert '"claims": []' in output.read_text(encoding="utf-8")
