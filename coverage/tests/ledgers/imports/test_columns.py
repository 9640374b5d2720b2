"""The template's columns: the model's own labels and choices."""

import pytest
from django.utils import translation

from coverage.ledgers.imports import columns
from coverage.ledgers.imports.columns import COLUMNS, HEADERS
from organizations.models import SocialOrganization
from political.models import PoliticalBuilding

pytestmark = pytest.mark.django_db


def test_headers_are_the_models_chinese_field_labels():
    # Each column's own model: the organisation's, or its political-building row's.
    with translation.override("zh-hans"):
        labels = tuple(str(c.model._meta.get_field(c.field).verbose_name) for c in COLUMNS)
    assert labels == HEADERS
    assert {c.model for c in COLUMNS} == {SocialOrganization, PoliticalBuilding}


def test_choice_labels_come_from_the_model_in_chinese():
    categories = columns.label_map(SocialOrganization.Category)
    assert categories["社会团体"] == "social_group" and categories["会计师事务所"] == "accounting_firm"
    assert columns.label_map(SocialOrganization.Status)["已注销"] == "deregistered"
    assert columns.label_map(SocialOrganization.SetupPath)["待定"] == "pending"
