"""The picker widgets render only what is chosen, however many rows the field
could take, and the field still refuses what its queryset does not hold."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from organizations.models import SocialOrganization
from organizations.tests.factories import SocialOrganizationFactory
from ui.widgets import NOT_PICKABLE, PickerChoiceField, PickerMultipleChoiceField

pytestmark = pytest.mark.django_db

URL = "organizations:autocomplete-organizations"


class OneForm(forms.Form):
    org = PickerChoiceField(url=URL, queryset=SocialOrganization.objects.none(), label_from=lambda o: f"[{o.name}]")

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = queryset


class ManyForm(forms.Form):
    orgs = PickerMultipleChoiceField(url=URL, queryset=SocialOrganization.objects.none())

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orgs"].queryset = queryset


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, " selected" in attrs, text)
        for value, attrs, text in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', html)
    ]


@pytest.fixture
def thirty(beilin):
    return [SocialOrganizationFactory(name=f"碑林协会{n:02d}", area=beilin) for n in range(30)]


def test_an_empty_picker_renders_no_row_and_asks_no_query(thirty, django_assert_num_queries):
    form = OneForm(queryset=SocialOrganization.objects.all())
    with django_assert_num_queries(0):
        html = str(form["org"])
    assert _options(html) == [("", True, "---------")]
    assert f'data-picker-url="{reverse(URL)}"' in html


def test_the_chosen_row_alone_is_rendered_with_the_fields_label(thirty, django_assert_num_queries):
    chosen = thirty[17]
    form = OneForm(initial={"org": chosen}, queryset=SocialOrganization.objects.all())
    with django_assert_num_queries(1):
        html = str(form["org"])
    assert _options(html) == [("", False, "---------"), (str(chosen.pk), True, "[碑林协会17]")]


def test_several_chosen_rows_are_rendered_and_nothing_else(thirty):
    picked = [thirty[3], thirty[25]]
    form = ManyForm(data={"orgs": [o.pk for o in picked]}, queryset=SocialOrganization.objects.all())
    assert form.is_valid()
    assert sorted(value for value, selected, _text in _options(str(form["orgs"])) if selected) == sorted(
        str(o.pk) for o in picked
    )
    assert len(_options(str(form["orgs"]))) == 2


def test_a_posted_id_outside_the_queryset_is_refused_and_not_shown_back(thirty, yanta):
    outsider = SocialOrganizationFactory(name="雁塔协会", area=yanta)
    form = OneForm(data={"org": outsider.pk}, queryset=SocialOrganization.objects.filter(area=thirty[0].area))
    assert not form.is_valid()
    assert form.errors["org"] == [str(NOT_PICKABLE)]
    assert "雁塔协会" not in str(form["org"])

    form = ManyForm(
        data={"orgs": [thirty[0].pk, outsider.pk]}, queryset=SocialOrganization.objects.exclude(pk=outsider.pk)
    )
    assert not form.is_valid() and form.errors["orgs"] == [str(NOT_PICKABLE)]
    assert [text for _v, _s, text in _options(str(form["orgs"]))] == [thirty[0].name]


def test_a_posted_value_that_is_no_id_is_refused_without_a_query_for_it(thirty, django_assert_num_queries):
    form = OneForm(data={"org": "1 OR 1=1"}, queryset=SocialOrganization.objects.all())
    assert not form.is_valid()
    with django_assert_num_queries(0):
        html = str(form["org"])
    assert _options(html) == [("", True, "---------")]
