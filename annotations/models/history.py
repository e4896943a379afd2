"""Change history (django-simple-history), made cheaper to write.

Every claim save writes a history row, so two costs of simple-history's
defaults matter (each about a tenth of a save, measured with bench/run.py):

- its descriptor builds a new manager class (`from_queryset`, which inspects
  the queryset class) on every `instance.history` access, once per recorded
  write. Here the class is built once per model; the manager is the same.
- a history table indexes a copy of every indexed column of the tracked model
  (each foreign key, each unique field), so each write updated ten indexes. The
  history is looked up by object id, date and user only, so only those (and
  the row's own key) are indexed here.

And one write less on the hottest path: a claim made on the annotation page is
saved without its creation record (`skip_history_when_saving`); the record is
written, dated when the claim was made and by its annotator, just before the
claim first changes or is deleted (`record_creation_on_first_change`). Until
then the claim's own row is that record, in the same database.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords


class _HistoryDescriptor(HistoryDescriptor):
    def __init__(self, model, manager, queryset):
        super().__init__(model, manager=manager, queryset=queryset)
        self.manager_class = manager.from_queryset(queryset)

    def __get__(self, instance, owner):
        return self.manager_class(self.model, instance)


class History(HistoricalRecords):
    """HistoricalRecords with one manager class per model and indexes only on id, date and user."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            setattr(
                sender,
                self.manager_name,
                _HistoryDescriptor(descriptor.model, descriptor.manager_class, descriptor.queryset_class),
            )


def record_creation_on_first_change(model, *, user_field: str) -> None:
    """Before an instance of `model` is changed or deleted, write its creation record if it has none."""

    def ensure(sender, instance, raw=False, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        if model.history.filter(id=instance.pk).exists():
            return
        stored = model._base_manager.select_related(user_field).filter(pk=instance.pk).first()
        if stored is not None:  # as it was made, before this change
            model.history.bulk_history_create(
                [stored], default_date=stored.created_at, default_user=getattr(stored, user_field)
            )

    uid = f"creation-record-{model._meta.label_lower}"
    pre_save.connect(ensure, sender=model, weak=False, dispatch_uid=uid + "-save")
    pre_delete.connect(ensure, sender=model, weak=False, dispatch_uid=uid + "-delete")
