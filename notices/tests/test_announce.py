"""Each event's notice reaches the officials whose scope holds the record,
and no one else: ledgers returned or accepted, evaluations returned or
approved (one at a time and in bulk), warnings opened by the scan."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage.ledgers import services as ledgers
from coverage.models import EarlyWarning, Ledger
from coverage.recount import services as recount
from coverage.tests.warnings.records import TODAY, healthy_party
from coverage.warnings.scan import warning_scan
from notices.models import Notice
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services as ratings
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def officials(beilin_user, yanta_user, lawyers_user, staff_user, leader_user):
    beilin_user.email = "beilin@example.org"
    beilin_user.save(update_fields=["email"])
    return {"beilin": beilin_user, "yanta": yanta_user, "lawyers": lawyers_user, "staff": staff_user}


def _told(kind: str) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("user__username", flat=True))


def _only_in_scope(kind: str) -> None:
    """Every notice of `kind` is about a record its user's for_user() scope holds."""
    models = {"ledger": Ledger, "evaluation": Evaluation, "warning": EarlyWarning}
    for notice in Notice.objects.filter(kind=kind).select_related("user"):
        model, pk = notice.record_key.split(":")[:2]
        assert models[model].objects.for_user(notice.user).filter(pk=int(pk)).exists(), notice


@pytest.fixture
def submitted_ledger(dataset, officials):
    recount.recount_run(period="2020H2")
    return ledgers.ledger_submit(actor=officials["beilin"], period="2020H2", note="ok")


def test_a_returned_ledger_tells_its_districts_officials_and_emails_them(
    submitted_ledger, officials, django_capture_on_commit_callbacks
):
    second = UserFactory(username="beilin2", role=User.Role.DISTRICT, area=officials["beilin"].area)
    with django_capture_on_commit_callbacks(execute=True):
        ledgers.ledger_return(actor=officials["staff"], ledger=submitted_ledger, reason="缺少注销组织")
    assert _told(Notice.Kind.LEDGER_RETURNED) == ["beilin", second.username]
    _only_in_scope(Notice.Kind.LEDGER_RETURNED)
    notice = Notice.objects.get(kind=Notice.Kind.LEDGER_RETURNED, user=officials["beilin"])
    assert notice.url == f"/coverage/ledgers/{submitted_ledger.pk}/" and "缺少注销组织" in notice.body
    # Only beilin has an address: one email, with the reason and the link.
    assert [m.to for m in mail.outbox] == [["beilin@example.org"]]
    assert "缺少注销组织" in mail.outbox[0].body and f"/coverage/ledgers/{submitted_ledger.pk}/" in mail.outbox[0].body


def test_returned_again_after_resubmitting_is_a_new_notice(submitted_ledger, officials):
    ledgers.ledger_return(actor=officials["staff"], ledger=submitted_ledger, reason="一")
    ledgers.ledger_submit(actor=officials["beilin"], period="2020H2", note="已补")
    ledgers.ledger_return(actor=officials["staff"], ledger=submitted_ledger, reason="二")
    assert _told(Notice.Kind.LEDGER_RETURNED) == ["beilin", "beilin"]


def test_an_accepted_ledger_tells_its_owner(submitted_ledger, officials):
    ledgers.ledger_accept(actor=officials["staff"], ledger=submitted_ledger)
    assert _told(Notice.Kind.LEDGER_ACCEPTED) == ["beilin"]


def test_a_units_ledger_tells_the_committee_only(dataset, officials):
    recount.recount_run(period="2020H2")
    ledger = ledgers.ledger_submit(actor=officials["lawyers"], period="2020H2")
    ledgers.ledger_return(actor=officials["staff"], ledger=ledger, reason="补")
    assert _told(Notice.Kind.LEDGER_RETURNED) == ["lawyers"]
    _only_in_scope(Notice.Kind.LEDGER_RETURNED)


@pytest.fixture
def law_evaluations(beilin, justice):
    """Two submitted evaluations of a Beilin law firm's branch (Beilin's and the lawyers' scope)."""
    round_ = make_round(2020, province_total=59)
    found = []
    for n in range(2):
        firm = SocialOrganizationFactory(name=f"碑林律所{n}", area=beilin, supervising_unit=justice)
        party = PartyOrganizationFactory(
            name=f"碑林律所{n}党支部", area=beilin, supervising_unit=justice, organizations=[firm]
        )
        found.append(make_evaluation(party, round_, state=Evaluation.State.SUBMITTED, total=80))
    return found


def test_a_returned_evaluation_tells_the_district_and_the_committee(law_evaluations, officials):
    ratings.evaluation_return(actor=officials["staff"], evaluation=law_evaluations[0], reason="补充材料")
    assert _told(Notice.Kind.EVALUATION_RETURNED) == ["beilin", "lawyers"]
    _only_in_scope(Notice.Kind.EVALUATION_RETURNED)
    assert {n.url for n in Notice.objects.all()} == {f"/ratings/{law_evaluations[0].pk}/"}


def test_bulk_approval_tells_each_evaluations_officials(law_evaluations, officials):
    ratings.evaluation_bulk_review(actor=officials["staff"], evaluations=law_evaluations, action="approve")
    assert _told(Notice.Kind.EVALUATION_APPROVED) == ["beilin", "beilin", "lawyers", "lawyers"]
    assert Notice.objects.filter(kind=Notice.Kind.EVALUATION_APPROVED, user=officials["yanta"]).count() == 0
    _only_in_scope(Notice.Kind.EVALUATION_APPROVED)


def test_a_scan_tells_the_officials_of_each_new_warning_once(beilin, yanta, officials):
    healthy_party(beilin, secretary="")
    healthy_party(yanta, secretary="")
    healthy_party(yanta, secretary="")
    warning_scan(today=TODAY)
    opened = EarlyWarning.objects.count()
    assert opened == 3
    assert _told(Notice.Kind.WARNING_OPENED) == ["beilin", "yanta", "yanta"]
    _only_in_scope(Notice.Kind.WARNING_OPENED)
    # A second scan opens nothing and tells no one.
    warning_scan(today=TODAY)
    assert Notice.objects.filter(kind=Notice.Kind.WARNING_OPENED).count() == 3
