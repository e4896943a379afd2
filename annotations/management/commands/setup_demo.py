"""Create demo logins and assign the project's articles, for the quick start."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from annotations import claim_import, workflow
from annotations.models import ADJUDICATOR_GROUP, ANNOTATOR_GROUP, Assignment, Project

# Both demo annotators' claims on two seed articles and a canonical claim linking them across
# Arabic and Persian, as an export would hold them.
DEMO_ANNOTATIONS = settings.BASE_DIR / "demo" / "annotations.json"
# Submitted by both demo annotators, so adjudication can be tried at once; the Persian article
# with demo claims stays open, so annotators can add to it.
READY_TO_ADJUDICATE = ["001_fecb8b2d1898e5e9"]

GUIDELINES = """Tag each checkable statement as a claim: select the shortest stretch that states it.
Name who made it (the claimant) and mark where the article names them.
Numbers attributed to sources ("3000 people left, a spokesman said") are claims of type Numerical.
Leave the verdict Unassessed until you have evidence; add evidence links when you set one.
Ignore site boilerplate (cookie notices, mastheads, "انتهای پیام")."""

# (username, password, groups, is_staff)
DEMO_USERS = [
    ("annotator", "annotate-demo", [ANNOTATOR_GROUP], False),
    ("annotator2", "annotate-demo", [ANNOTATOR_GROUP], False),
    ("adjudicator", "adjudicate-demo", [ADJUDICATOR_GROUP], False),
    ("admin", "admin-demo", [], True),
]


class Command(BaseCommand):
    help = "Create demo logins (annotator, annotator2, adjudicator, admin) and assign articles. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--project", default=settings.ANNOTATIONS_DEFAULT_PROJECT)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("setup_demo creates known passwords; it only runs with DEBUG on.")
        User = get_user_model()
        users = {}
        for username, password, groups, is_staff in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = user.is_superuser = is_staff
                user.save()
                user.groups.set(Group.objects.filter(name__in=groups))
            users[username] = user
        project, _created = Project.objects.get_or_create(name=options["project"])
        if not project.guidelines or not project.annotators_link_claims:
            project.guidelines = project.guidelines or GUIDELINES
            project.annotators_link_claims = True  # the demo shows "Seen before?" on the annotation page too
            project.save(update_fields=["guidelines", "annotators_link_claims"])
        annotators = [users["annotator"], users["annotator2"]]
        assigned = workflow.assign_articles(
            articles=project.articles.all(),
            annotators=annotators,
            per_article=min(project.annotators_per_article, len(annotators)),
        )
        self.stdout.write(f"Created {assigned} new assignment(s) in project {project.name!r}.")
        self._load_demo_annotations(project, annotators)
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for username, password, groups, is_staff in DEMO_USERS:
            role = "admin" if is_staff else ", ".join(groups).lower()
            self.stdout.write(f"  {role:<12} username: {username:<12} password: {password}")

    def _load_demo_annotations(self, project, annotators) -> None:
        """Both demo annotators' claims on two seed articles and a canonical claim linked across them
        (demo/annotations.json); the Arabic one submitted, so adjudication can be tried at once.
        Loaded once: what is already there is skipped, and an article reopened since is left as it is."""
        path = DEMO_ANNOTATIONS
        if not path.exists() or not project.articles.exists():
            return
        plan = claim_import.plan_load(path.name, path.read_bytes(), project=project)
        if plan.problems:
            raise CommandError("; ".join(str(problem) for problem in plan.problems))
        if not plan.claims and not plan.canonical:
            return
        loaded = workflow.load_claims(loads=plan.claims, canonical=plan.canonical)
        for article in {load.article for load in plan.claims if load.article.external_id in READY_TO_ADJUDICATE}:
            for annotator in annotators:
                assignment = Assignment.objects.of(article, annotator)
                if assignment is not None and not assignment.is_submitted:
                    workflow.submit_assignment(user=annotator, article=assignment.article)
        self.stdout.write(
            f"Loaded {loaded.claims} demo claim(s) on {loaded.articles} article(s) and {loaded.canonical} canonical claim(s); "
            f"{', '.join(READY_TO_ADJUDICATE)} submitted by both demo annotators."
        )
