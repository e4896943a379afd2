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
"""

from __future__ import annotations

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
