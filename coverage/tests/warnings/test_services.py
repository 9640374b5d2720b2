"""Rectification (整改)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coverage.models import EarlyWarning
from coverage.tests.warnings.records import (
    DAY,
    TODAY,
    secretary_vacant,
    update,
)
from coverage.warnings.scan import warning_scan
from coverage.warnings.services import warning_rectify
from xian_partybuild import clock

pytestmark = pytest.mark.django_db


# --- Rectification ---------------------------------------------------------------


@pytest.fixture
def beilin_warning(beilin, culture):
    party, _clear = secretary_vacant(beilin)
    update(party, supervising_unit=culture)
    warning_scan(today=TODAY)
    return EarlyWarning.objects.get()


def test_rectify_records_note_dates_and_actor(beilin_user, beilin_warning):
    today = clock.today()
    warning = warning_rectify(
        actor=beilin_user, warning=beilin_warning, note="  已选派书记  ", started_on=today, due_on=today + 30 * DAY
    )
    warning.refresh_from_db()
    assert warning.rectification_note == "已选派书记"
    assert (warning.rectification_started_on, warning.rectification_due_on) == (today, today + 30 * DAY)
    assert warning.rectification_updated_by == beilin_user
    # Notes do not clear a warning; only the records can.
    assert warning.status == EarlyWarning.Status.OPEN


def test_rectify_dates_may_be_left_open(staff_user, beilin_warning):
    warning = warning_rectify(actor=staff_user, warning=beilin_warning, note="排查中", started_on=None, due_on=None)
    assert warning.rectification_started_on is None and warning.rectification_due_on is None


@pytest.mark.parametrize(
    ("started", "due", "note", "fields"),
    [
        (0, -1, "x", {"due_on"}),
        (1, 5, "x", {"started_on"}),
        (1, 0, "x", {"started_on", "due_on"}),
        (0, 5, "   ", {"note"}),
    ],
)
def test_rectify_validation(beilin_user, beilin_warning, started, due, note, fields):
    today = clock.today()
    with pytest.raises(ValidationError) as exc:
        warning_rectify(
            actor=beilin_user,
            warning=beilin_warning,
            note=note,
            started_on=today + started * DAY,
            due_on=today + due * DAY,
        )
    assert set(exc.value.message_dict) == fields
    beilin_warning.refresh_from_db()
    assert beilin_warning.rectification_note == "" and beilin_warning.rectification_updated_by is None


def test_due_date_alone_is_not_checked_against_a_start(beilin_user, beilin_warning):
    past = clock.today() - 10 * DAY
    warning = warning_rectify(actor=beilin_user, warning=beilin_warning, note="x", started_on=None, due_on=past)
    assert warning.rectification_due_on == past


@pytest.mark.parametrize("user", ["yanta_user", "lawyers_user", "leader_user"])
def test_rectify_outside_scope_or_read_only_is_refused(request, user, beilin_warning):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        warning_rectify(actor=actor, warning=beilin_warning, note="x", started_on=None, due_on=None)
    beilin_warning.refresh_from_db()
    assert beilin_warning.rectification_note == ""


def test_industry_committee_rectifies_its_own_units_warnings(lawyers_user, justice, beilin_warning):
    EarlyWarning.objects.filter(pk=beilin_warning.pk).update(supervising_unit=justice)
    warning = warning_rectify(
        actor=lawyers_user, warning=beilin_warning, note="行业党委跟进", started_on=None, due_on=None
    )
    assert warning.rectification_updated_by == lawyers_user
