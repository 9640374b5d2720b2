"""Exports that are safe to open in a spreadsheet."""

from __future__ import annotations

from django_tables2.export import TableExport

# A cell starting with one of these is read as a formula by Excel and
# LibreOffice (CSV injection); a leading apostrophe keeps it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        cleaned = [tuple(neutralise(v) for v in row) for row in dataset]
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in cleaned:
            dataset.append(row)
        return dataset
