"""Import articles from .txt, .csv, .json and .jsonl files or folders, all or nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from annotations import importing
from annotations import text as textlib


class Command(BaseCommand):
    help = (
        "Import articles from .txt (one per file), .csv, .json or .jsonl files and folders. "
        "Every input is validated first; on any problem nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument("--project", default=settings.ANNOTATIONS_DEFAULT_PROJECT)
        parser.add_argument("--language", help="language code for every article (else detected)")
        parser.add_argument("--encoding", help="the files' encoding, e.g. windows-1256 (default UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, **options):
        try:
            # Given but empty is refused too: detection is what leaving it out asks for.
            if options["encoding"] is not None:
                textlib.check_encoding(options["encoding"])
            if options["language"] is not None:
                options["language"] = textlib.check_language_code(options["language"])
            project_name = importing.check_project_name(options["project"])
        except textlib.TextError as exc:
            raise CommandError(exc.message) from None
        paths, problems = importing.collect_paths(options["paths"])
        if paths or not problems:
            plan = importing.plan_import(
                importing.file_sources(paths),
                project_name=project_name,
                options=importing.ImportOptions.from_settings(
                    encoding=options["encoding"], language=options["language"]
                ),
                progress=self._progress(len(paths)),
            )
            self._end_progress(len(paths))
        else:
            plan = importing.ImportPlan(project_name=project_name)
        plan.problems[:0] = problems
        for item, reason in plan.duplicates:
            self.stdout.write(f"skipped {item.where}: {reason}")
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(f"refused {problem}")
            raise CommandError(
                f"{len(plan.problems)} problem(s) found; nothing was imported."
            )
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: would import {len(plan.new)} article(s) into project "
                f"{plan.project_name!r}; {len(plan.duplicates)} already imported. Nothing was written."
            )
            return
        try:
            created = importing.apply_import(plan)
        except IntegrityError as exc:
            raise CommandError(f"the database refused the import, nothing was imported: {exc}") from None
        if created:
            summary = f"Imported {created} article(s) into project {plan.project_name!r}"
        else:
            summary = f"Nothing new to import into project {plan.project_name!r}"
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary}; {len(plan.duplicates)} already imported, from {plan.files} file(s)."
            )
        )

    def _progress(self, total: int):
        interactive = self.stderr.isatty()
        step = max(1, total // 20)

        def report(index: int, name: str, articles: int) -> None:
            if interactive:
                self.stderr.write(f"\r[{index}/{total}] reading {name[-60:]:<60}", ending="")
            elif total >= 100 and (index == total or index % step == 0):
                self.stderr.write(f"[{index}/{total}] files read")

        return report

    def _end_progress(self, total: int) -> None:
        if self.stderr.isatty() and total:
            self.stderr.write("")
