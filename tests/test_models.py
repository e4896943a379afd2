"""The model layer's fast paths give what the ORM's ordinary paths give."""

import datetime

from django.urls import reverse
from django.utils import timezone

from annotations.models import Article, Assignment, Claim

from . import factories
from .factories import claim_post


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_with_article_loads_what_the_orm_loads(article, annotator, django_assert_num_queries):
    assignment = Assignment.objects.get(article=article, annotator=annotator)
    Assignment.objects.filter(pk=assignment.pk).update(
        state=Assignment.State.IN_PROGRESS, started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    Article.objects.filter(pk=article.pk).update(
        published_at=datetime.date(2019, 3, 23), import_had_bom=True
    )

    fast = Assignment.objects.with_article(article.pk, annotator)
    orm = Assignment.objects.select_related("article").get(article=article, annotator=annotator)

    assert _fields(fast) == _fields(orm)
    assert _fields(fast.article) == _fields(orm.article)
    assert _fields(fast.article.project) == _fields(orm.article.project)  # the project too, for the page's links
    # Converted as the ORM converts: aware datetimes, dates, booleans, not strings or integers.
    assert fast.started_at.tzinfo is not None and fast.article.published_at == datetime.date(2019, 3, 23)
    assert fast.article.import_had_bom is True
    assert fast.article.text == article.text and fast.article.direction == "rtl"
    assert not fast._state.adding and fast._state.db == orm._state.db
    with django_assert_num_queries(0):  # the article and its project are attached, not fetched again
        assert fast.article.title == article.title
        assert fast.article.project.annotators_link_claims is False


def test_with_article_is_none_without_an_assignment(article, other_annotator):
    assert Assignment.objects.with_article(article.pk, other_annotator) is None
    assert Assignment.objects.with_article(article.pk + 1000, other_annotator) is None


def test_history_manager_class_is_built_once_and_still_records(article, annotator):
    claim = factories.make_claim(article, annotator, "3000 شخص")
    assert type(Claim.history) is type(Claim.history)
    assert type(claim.history) is type(claim.history)
    claim.note = "edited"
    claim.save()
    assert [record.history_type for record in claim.history.order_by("history_date")] == ["+", "~"]
    assert Claim.history.filter(id=claim.pk).latest("history_date").note == "edited"


def test_history_tables_index_only_id_date_and_user():
    history = Claim.history.model
    indexed = {field.name for field in history._meta.fields if field.db_index and not field.primary_key}
    assert indexed == {"id", "history_date", "history_user"}


def _saved_on_the_page(client, article, quote: str) -> Claim:
    response = client.post(reverse("claim_create", args=[article.pk]), claim_post(article, quote, verification_status="true"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return Claim.objects.get(article=article, quote=quote)


def test_a_claim_saved_on_the_page_gets_its_creation_record_before_it_first_changes(annotator_client, article, annotator):
    claim = _saved_on_the_page(annotator_client, article, "3000 شخص")
    assert not Claim.history.filter(id=claim.pk).exists()  # the row itself is the record so far

    edit = claim_post(article, "3000 شخص", verification_status="false", version=1)
    assert annotator_client.post(reverse("claim_update", args=[claim.pk]), edit, HTTP_HX_REQUEST="true").status_code == 200

    records = list(Claim.history.filter(id=claim.pk).order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "~"]
    made = records[0]
    assert made.verification_status_id == "true" and made.version == 1  # as it was made, not as edited
    assert made.history_date == claim.created_at and made.history_user == annotator
    assert records[1].verification_status_id == "false" and records[1].version == 2


def test_a_claim_deleted_unchanged_keeps_its_creation_record_and_a_restorable_copy(annotator_client, article):
    claim = _saved_on_the_page(annotator_client, article, "غادروا")
    assert annotator_client.post(reverse("claim_delete", args=[claim.pk]), {"version": 1}, HTTP_HX_REQUEST="true").status_code == 200
    records = list(Claim.history.filter(id=claim.pk).order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "-"]
    records[-1].instance.save()
    assert Claim.objects.get(pk=claim.pk).quote == "غادروا"


def test_a_claim_made_elsewhere_is_recorded_once(article, annotator):
    claim = factories.make_claim(article, annotator, "3000 شخص")  # an ordinary save: recorded at once
    claim.note = "checked"
    claim.save()
    assert [r.history_type for r in Claim.history.filter(id=claim.pk).order_by("history_date")] == ["+", "~"]
