import pytest
from hypothesis import HealthCheck, settings

from annotations.models import ADJUDICATOR_GROUP

from . import factories

# Shared, noisy machines: no per-example deadlines.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


@pytest.fixture
def project(db):
    return factories.make_project("Baghuz", guidelines="Tag numbers with their source.")


@pytest.fixture
def annotator(db):
    return factories.make_user("annotator")


@pytest.fixture
def other_annotator(db):
    return factories.make_user("other")


@pytest.fixture
def adjudicator(db):
    return factories.make_user("adjudicator", groups=[ADJUDICATOR_GROUP])


@pytest.fixture
def staff(db):
    return factories.make_user("admin", groups=[], staff=True)


@pytest.fixture
def article(project, annotator):
    article = factories.make_article(
        "مصطفى بالي قال لرويترز إن 3000 شخص غادروا الباغوز.\nوقال مصدر آخر إن 3000 استسلموا.",
        project=project,
        external_id="baghuz-1",
        title="الباغوز",
    )
    factories.assign(article, annotator)
    return article


@pytest.fixture
def annotator_client(client, annotator):
    client.force_login(annotator)
    return client
