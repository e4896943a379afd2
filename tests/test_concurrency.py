"""Real parallel requests against a live server on PostgreSQL: no lost or doubled writes, no 5xx."""

import re
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from annotations.models import ADJUDICATOR_GROUP, Claim, GoldClaim, Rejection

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
    jobs = [job for pair in zip(*per_user, strict=True) for job in pair]

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


def test_parallel_decisions_answer_200_or_409_and_decide_once(postgres, default_vocabularies, live_server, project):
    """Double clicks and two adjudicators at once: every group is decided once, nothing fails."""
    annotators = [factories.make_user(f"decide{i}") for i in range(2)]
    adjudicators = [factories.make_user(f"judge{i}", groups=[ADJUDICATOR_GROUP]) for i in range(2)]
    words = ["مصطفى", "بالي", "3000", "شخص", "غادروا", "الباغوز", "آخرون", "استسلموا"]
    article = factories.make_article(" ".join(words) + ".", project=project)
    for user in annotators:
        factories.assign(article, user)
    agreed = {word: [factories.make_claim(article, user, word) for user in annotators] for word in words}
    factories.submit_all(article)
    groups = " ".join(factories.group_key(*claims) for claims in list(agreed.values())[:4])
    single = list(agreed.values())[4:]
    sessions = [session_for(live_server, user) for user in adjudicators]
    url = f"{live_server.url}/articles/{article.pk}/gold/"
    jobs = [(i % 2, "unanimous/", {"groups": groups}) for i in range(12)]
    for claims in single:
        key = factories.group_key(*claims)
        jobs += [(i % 2, "accept/", {"group": key, "claim": claims[i % 2].pk}) for i in range(4)]
        jobs += [(i % 2, "reject/", {"group": key}) for i in range(2)]

    def send(job):
        who, path, data = job
        return path, sessions[who].post(url + path, data=data, timeout=120).status_code

    def read(_):
        return sessions[0].get(f"{live_server.url}/articles/{article.pk}/adjudicate/", timeout=120).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(send, jobs[::2] + jobs[1::2]))
        pages = list(pool.map(read, range(10)))
    statuses = Counter(status for _path, status in results)
    assert set(statuses) <= {200, 409}, statuses
    assert set(pages) == {200}
    # The unanimous groups once, and each other group exactly once (accepted or rejected).
    assert Counter(path for path, status in results if status == 200)["unanimous/"] == 1
    assert sum(status == 200 for path, status in results if path != "unanimous/") == len(single)
    decided = [set(gold.annotations.values_list("pk", flat=True)) for gold in GoldClaim.objects.all()]
    decided += [set(rejection.claims.values_list("pk", flat=True)) for rejection in Rejection.objects.all()]
    assert sorted(map(sorted, decided)) == sorted(sorted(c.pk for c in claims) for claims in agreed.values())


def test_the_adjudication_page_renders_while_annotators_write(postgres, default_vocabularies, live_server, project):
    annotators = [factories.make_user(f"writer{i}") for i in range(2)]
    adjudicator = factories.make_user("reader", groups=[ADJUDICATOR_GROUP])
    article = factories.make_article("قال مصطفى بالي إن 3000 شخص غادروا الباغوز، وقال آخرون إن 3000 استسلموا.", project=project)
    for user in annotators:
        factories.assign(article, user)
    writers = {user.username: session_for(live_server, user) for user in annotators}
    reader = session_for(live_server, adjudicator)
    quotes = ["3000 شخص", "مصطفى بالي", "الباغوز", "3000 استسلموا"]
    jobs = [("write", user.username, quote, i) for i in range(10) for user in annotators for quote in quotes]
    jobs = [job for pair in zip(jobs, [("read",)] * len(jobs), strict=True) for job in pair]

    def send(job):
        if job[0] == "read":
            response = reader.get(f"{live_server.url}/articles/{article.pk}/adjudicate/", timeout=120)
        else:
            _kind, username, quote, i = job
            data = {**factories.claim_post(article, quote), "client_token": str(uuid.uuid4()), "note": str(i)}
            response = writers[username].post(f"{live_server.url}/articles/{article.pk}/claims/", data=data, timeout=120)
        return job[0], response.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(send, jobs))
    assert Counter(status for _kind, status in results) == Counter({200: len(jobs)})
    assert Claim.objects.filter(article=article).count() == 80
