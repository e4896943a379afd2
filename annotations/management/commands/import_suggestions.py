"""Load suggestions (proposed claims with their suggester's name, version and score), all or nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annotations import import_formats
from annotations.models import Project


class Command(BaseCommand):
    help = (
        "Load suggestions from a JSONL (or JSON) file: external_id, start, end, quote, labels, source, model, "
        "model_version, score, rationale, offset_unit. Every suggestion is validated as a claim is; on any problem "
        "nothing is loaded. Suggestions already present (same article, model, version and span) are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", help="look the articles up in this project only")
        parser.add_argument(
            "--offset-unit", choices=import_formats.FORMATS["suggestions"].offset_units, default="codepoint",
            help="the unit of offsets in lines that do not name theirs (default: codepoint)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, **options):
        project = None
        if options["project"]:
            project = Project.objects.filter(name=options["project"]).first()
            if project is None:
                raise CommandError(_("no project named %(name)r") % {"name": options["project"]})
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror or exc}) from None
        if len(data) > settings.ANNOTATIONS_MAX_IMPORT_BYTES:
            raise CommandError(
                _("%(path)s is %(size)d bytes; the limit is %(limit)d")
                % {"path": path, "size": len(data), "limit": settings.ANNOTATIONS_MAX_IMPORT_BYTES}
            )
        fmt = import_formats.FORMATS["suggestions"]
        plan = fmt.plan(str(path), data, import_formats.Options(name=str(path), project=project, offset_unit=options["offset_unit"]))
        report(self, plan, dry_run=options["dry_run"])


def report(command: BaseCommand, plan, *, dry_run: bool) -> None:
    """Refuse the whole plan on any problem; otherwise write it (or say what a dry run would write)."""
    if plan.problems:
        for problem in plan.problems:
            command.stderr.write(_("refused %(problem)s") % {"problem": problem})
        raise CommandError(_("%(count)d problem(s) found; nothing was loaded.") % {"count": len(plan.problems)})
    fmt = import_formats.FORMATS["suggestions"]
    counts = fmt.summary(plan)
    if dry_run:
        for line in fmt.report(counts):
            command.stdout.write(line)
        return
    for line in fmt.report(counts, fmt.write(plan)):
        command.stdout.write(command.style.SUCCESS(line))
