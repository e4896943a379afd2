"""django-import-export admins whose files are safe to open in a spreadsheet, and load back."""

from __future__ import annotations

from decimal import Decimal

from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from .. import exporting
from .display import AutoDirectionAdmin

DATA_FORMATS = (base_formats.JSON, base_formats.YAML)


class FormulaSafeResource(resources.ModelResource):
    """Text cells a spreadsheet would run get exporting.formula_safe's apostrophe.

    Only when asked (formula_safe=True), and only text: a number, even a
    negative one, is written as a number.
    """

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if kwargs.get("formula_safe") and not isinstance(field.get_value(instance), (int, float, Decimal)):
            return exporting.formula_safe(value)
        return value


class _FormulaSafeImport:
    """A spreadsheet format whose import removes the apostrophe our export added."""

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        for index, row in enumerate(dataset):
            dataset[index] = [exporting.formula_unsafe(cell) for cell in row]
        return dataset


class CSV(_FormulaSafeImport, base_formats.CSV):
    pass


class TSV(_FormulaSafeImport, base_formats.TSV):
    pass


class SpreadsheetSafeAdmin(AutoDirectionAdmin, ImportExportModelAdmin):
    """django-import-export admin whose exports are safe to open in a spreadsheet.

    Its own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "="
    (changing the value); this escapes the same characters as the app's CSV
    export, in every format but JSON and YAML, and the CSV/TSV import undoes it.
    """

    import_formats = [CSV, TSV, base_formats.JSON]

    def get_resource_classes(self, request):
        if not self.resource_classes:
            # Rows are matched by the primary key whatever its name (a vocabulary's is its slug),
            # so an export loads back unchanged.
            return [
                resources.modelresource_factory(
                    self.model, resource_class=FormulaSafeResource, meta_options={"import_id_fields": [self.model._meta.pk.name]}
                )
            ]
        return super().get_resource_classes(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        kwargs["formula_safe"] = not isinstance(file_format, DATA_FORMATS)
        return super().get_export_data(file_format, request, queryset, **kwargs)
