"""The demo seed's needs, offers and projects: 2–6 needs in each of the 100
pilot communities, matched only by organisations serving the community, about
six in ten met."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from community import selectors
from community.models import IncubatedOrganization, Need, Project, ServiceItem
from engagement.models import PilotAssignment, PilotCommunity

pytestmark = pytest.mark.django_db


def test_demo_needs_services_and_projects():
    call_command("seed_demo", stdout=io.StringIO())
    per_community = PilotCommunity.objects.annotate(n=Count("needs")).values_list("n", flat=True)
    assert len(per_community) == 100
    assert min(per_community) >= 2 and max(per_community) <= 6
    # Every organisation serving a pilot community offers something.
    assert not PilotAssignment.objects.exclude(organization__service_items__isnull=False).exists()
    assert ServiceItem.objects.exists()
    # Every project's organisation serves the need's community.
    pairs = set(PilotAssignment.objects.values_list("organization_id", "community_id"))
    for org_id, community_id in Project.objects.values_list("service_item__organization_id", "need__community_id"):
        assert (org_id, community_id) in pairs
    summary = selectors.matching_summary(Need.objects.all())
    assert 0.55 <= summary["rate"] <= 0.70
    assert 0.55 <= Project.objects.values("need").distinct().count() / summary["needs"] <= 0.75
    assert IncubatedOrganization.objects.filter(status="registered").exists()
    assert Need.objects.filter(community__community__name="保吉巷社区").exists()
