import pytest

from .records import add_changes, recount_all


@pytest.fixture
def changed(recounted, beilin, yanta, justice):
    """The recounted dataset, changed between the half-years and recounted again."""
    records = add_changes(recounted, beilin, yanta, justice)
    recount_all()
    return records
