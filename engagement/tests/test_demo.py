"""The demo seed reproduces the source's training, pilot and contribution
figures, computed through the selectors from its own records."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from community.models import IncubatedOrganization, Need, Project
from conftest import demo_seeded_once
from engagement import demo, selectors
from engagement.models import (
    Contribution,
    PilotAssignment,
    PilotCommunity,
    PlaqueAward,
    TrainingBase,
    TrainingSession,
)
from organizations.models import Area, SocialOrganization

MODELS = (TrainingBase, TrainingSession, PilotCommunity, PilotAssignment, PlaqueAward, Contribution)


# Every test sees the demo (whichever run first), and writes inside its own transaction.
seeded = demo_seeded_once("--demo-users")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _digest() -> str:
    """The engagement rows by natural keys (primary keys differ between runs)."""
    rows = [
        *TrainingBase.objects.values_list(
            "name",
            "area__code",
            "host_organization__credit_code",
            "host_name",
            "is_provincial_point",
            *TrainingBase.FUNCTION_FIELDS.values(),
        ),
        *TrainingSession.objects.values_list("base__name", "held_on", "topic", "attendees", "new_secretaries"),
        *PilotCommunity.objects.values_list("community__code", "selected_on", "plan_note"),
        *PilotAssignment.objects.values_list("organization__credit_code", "community__community__code", "selected_on"),
        *PlaqueAward.objects.values_list("organization__credit_code", "community__community__code", "awarded_on"),
        *Contribution.objects.values_list(
            "organization__credit_code",
            "made_on",
            "kind",
            "money_yuan",
            "goods_value_yuan",
            "people_helped",
            "is_exemplary_case",
            "teams_sent",
        ),
    ]
    return hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest()


def test_headline_figures(seeded):
    staff = User.objects.get(username="staff")
    summary = selectors.engagement_summary(staff)
    assert (summary["training"]["bases"], summary["training"]["provincial_points"]) == (29, 12)
    assert summary["pilots"]["pilot_communities"] == 100
    assert summary["pilots"]["pilot_organizations"] == 180
    assert (summary["pilots"]["plaques"], summary["pilots"]["agreements"]) == (32, 32)
    poverty = summary["contributions"][Contribution.Kind.POVERTY]
    assert poverty["money"] == poverty["total"] == Decimal("59978000.00")
    assert 29_500 <= poverty["people"] <= 30_000
    epidemic = summary["contributions"][Contribution.Kind.EPIDEMIC]
    assert epidemic["total"] == Decimal("85556000.00")
    assert epidemic["money"] > 0 and epidemic["goods"] > 0
    assert epidemic["exemplary_cases"] > 80
    assert epidemic["teams"] > 0
    # The same figures from the plain selectors over every row.
    assert selectors.training_base_summary(TrainingBase.objects.all())["bases"] == 29
    assert selectors.plaque_summary(PlaqueAward.objects.all())["plaques"] == 32


def test_records_are_consistent(seeded):
    # Every base offers some of the five functions; provincial points all five.
    for base in TrainingBase.objects.all():
        assert len(base.functions) >= 3
        assert base.area.level in Area.REGISTRATION_LEVELS
        if base.is_provincial_point:
            assert len(base.functions) == 5
    assert TrainingBase.objects.values("area").distinct().count() >= 15
    sessions = TrainingSession.objects.all()
    assert sessions.exists()
    assert {s.held_on.year for s in sessions} == {2019, 2020}
    assert selectors.training_session_summary(sessions)["new_secretaries"] > 0

    baojixiang = PilotCommunity.objects.get(community__name="保吉巷社区")
    assert baojixiang.community.parent.name == "南院门街道"
    assert baojixiang.community.registration_area().name == "碑林区"
    assert not PilotCommunity.objects.exclude(community__level=Area.Level.COMMUNITY).exists()
    assert not PilotCommunity.objects.filter(assignments__isnull=True).exists()  # every pilot is served
    assert not PilotAssignment.objects.exclude(organization__status=SocialOrganization.Status.ACTIVE).exists()

    plaques = PlaqueAward.objects.all()
    assert set(plaques.values_list("awarded_on", "place")) == {(dt.date(2020, 4, 26), "碑林区南院门街道保吉巷社区")}
    for plaque in plaques:
        assert PilotAssignment.objects.filter(organization=plaque.organization, community=plaque.community).exists()

    assert Contribution.objects.filter(teams_sent__gt=0).count() in range(1, 10)
    # Every demo row passes the model's own validation.
    for model in MODELS:
        for record in model.objects.all()[:60]:
            record.full_clean()


def test_district_and_industry_scopes_hold_part_of_the_figures(seeded):
    beilin = selectors.engagement_summary(User.objects.get(username="beilin"))
    lawyers = selectors.engagement_summary(User.objects.get(username="lawyers"))
    assert 0 < beilin["pilots"]["pilot_communities"] < 100
    assert 0 < beilin["training"]["bases"] < 29
    assert beilin["contributions"]["poverty"]["money"] < Decimal("59978000")
    assert lawyers["pilots"]["pilot_organizations"] < 180
    assert set(
        PilotAssignment.objects.for_user(User.objects.get(username="lawyers")).values_list(
            "organization__category", flat=True
        )
    ) <= {SocialOrganization.Category.LAW_FIRM}


def test_rerun_changes_nothing_and_the_seed_is_deterministic(seeded):
    assert "engagement.contributions: 980 rows created" in seeded
    before = _digest()
    counts = {model: model.objects.count() for model in MODELS}
    out = io.StringIO()
    call_command("seed_demo", "--demo-users", stdout=out)
    assert "engagement.training_bases: skipped" in out.getvalue()
    assert {model: model.objects.count() for model in MODELS} == counts
    # Wipe this app's rows and seed again: the same rows come back. The
    # community app's needs and incubation rest on the pilots: they go first.
    for model in (Project, Need, IncubatedOrganization):
        model.objects.all().delete()
    for model in reversed(MODELS):
        model.objects.all().delete()
    call_command("seed_demo", "--demo-users", stdout=io.StringIO())
    assert _digest() == before


def test_apportion_is_exact_and_keeps_every_row():
    shares = demo.apportion([0.0, 1e-9, 3.0, 7.0, 0.5], 1_000)
    assert sum(shares) == 1_000
    assert shares[0] == 0 and all(s >= 1 for s in shares[1:])
    with pytest.raises(ValueError):
        demo.apportion([1.0, 1.0, 1.0], 2)
