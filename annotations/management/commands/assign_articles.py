"""Share out a project's articles evenly among its annotators."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations import workflow
from annotations.models import ANNOTATOR_GROUP, Project


class Command(BaseCommand):
    help = (
        "Give each article of a project to N distinct annotators (members of the Annotator group), "
        "balancing the load. Articles that already have N annotators are left alone; the same "
        "input always gives the same result."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", default=settings.ANNOTATIONS_DEFAULT_PROJECT)
        parser.add_argument("--per-article", type=int, help="annotators per article (default: the project's setting)")
        parser.add_argument("--annotators", help="comma-separated usernames (default: every active annotator)")

    def handle(self, *args, **options):
        project = Project.objects.filter(name=options["project"]).first()
        if project is None:
            raise CommandError(f"no project named {options['project']!r}")
        users = get_user_model().objects.filter(is_active=True)
        if options["annotators"]:
            names = [name.strip() for name in options["annotators"].split(",") if name.strip()]
            annotators = list(users.filter(username__in=names))
            missing = set(names) - {user.username for user in annotators}
            if missing:
                raise CommandError(f"no active user named {', '.join(sorted(missing))}")
        else:
            annotators = list(users.filter(groups__name=ANNOTATOR_GROUP))
        per_article = options["per_article"] or project.annotators_per_article
        try:
            created = workflow.assign_articles(
                articles=project.articles.all(), annotators=annotators, per_article=per_article
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} assignment(s): each of the {project.articles.count()} article(s) in "
                f"{project.name!r} now has {per_article} annotator(s)."
            )
        )
