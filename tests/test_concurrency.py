"""Real parallel requests against a live server on PostgreSQL: no lost or doubled writes, no 5xx."""

import re
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from annotations.models import Claim

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

CREATES = 150  # per annotator, plus 25 of them sent twice at once
EDITS = 50  # per annotator, all made from version 1 of the same claim


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's in-memory test database is a single connection shared by the "
            "live server's threads; bin/test runs this test in its PostgreSQL pass"
        )


def session_for(live_server, user) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{live_server.url}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    response = session.post(
        f"{live_server.url}/accounts/login/",
        data={"username": user.username, "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        timeout=30,
    )
    assert response.status_code == 200 and response.url.endswith("/articles/")
    session.headers.update({"X-CSRFToken": session.cookies["csrftoken"], "HX-Request": "true", "Referer": live_server.url})
    return session


def test_two_annotators_saving_and_editing_in_parallel(postgres, default_vocabularies, live_server, project):
    annotators = [factories.make_user(f"parallel{i}") for i in range(2)]
    article = factories.make_article("قال مصطفى بالي إن 3000 شخص غادروا الباغوز، وقال آخرون إن 3000 استسلموا.", project=project)
    for user in annotators:
        factories.assign(article, user)
    base = factories.claim_post(article, "3000 شخص")
    sessions = {user.username: session_for(live_server, user) for user in annotators}
    targets = {}
    per_user = []
    for user in annotators:
        targets[user.username] = factories.make_claim(article, user, "مصطفى بالي")
        tokens = [str(uuid.uuid4()) for _ in range(CREATES)]
        creates = [
            (user.username, "create", f"/articles/{article.pk}/claims/", {**base, "client_token": token, "note": f"n{i % CREATES}"})
            for i, token in enumerate(tokens + tokens[:25])
        ]
        edits = [
            (user.username, "edit", f"/claims/{targets[user.username].pk}/edit/", {**factories.claim_post(article, "مصطفى بالي"), "version": 1, "note": f"edit {i}"})
            for i in range(EDITS)
        ]
        # Spread the edits and the repeated tokens among the creates.
        mixed = creates[:CREATES]
        for i, job in enumerate(edits + creates[CREATES:]):
            mixed.insert((i * 7) % (len(mixed) + 1), job)
        per_user.append(mixed)
    # Interleave the two annotators' requests.
    jobs = [job for pair in zip(*per_user) for job in pair]

    def send(job):
        username, kind, path, data = job
        response = sessions[username].post(live_server.url + path, data=data, timeout=120)
        return username, kind, data, response.status_code, response.text

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(send, jobs))

    statuses = Counter(status for _user, _kind, _data, status, _text in results)
    assert all(status < 500 for status in statuses), statuses
    assert set(statuses) == {200}, statuses
    for user in annotators:
        mine = Claim.objects.filter(annotator=user)
        # Every distinct form token made exactly one claim, repeated or not; plus the edited claim.
        assert mine.count() == CREATES + 1
        assert mine.exclude(client_token=None).values("client_token").distinct().count() == CREATES
        edits = [text for name, kind, _data, _status, text in results if name == user.username and kind == "edit"]
        applied = [text for text in edits if 'data-code="stale"' not in text]
        refused = [text for text in edits if 'data-code="stale"' in text]
        # All edits started from version 1: exactly one is applied, every other one is refused, none is lost silently.
        assert len(applied) == 1 and len(refused) == EDITS - 1
        target = Claim.objects.get(pk=targets[user.username].pk)
        assert target.version == 2
        assert f'id="claim-{target.pk}"' in applied[0] and target.note in applied[0]
