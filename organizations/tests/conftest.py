import datetime as dt

import pytest

from organizations import services
from organizations.models import PartyOrganization
from organizations.services import PartyOrganizationData


@pytest.fixture
def cross_district_branch(staff_user, dataset, beilin) -> PartyOrganization:
    """A joint branch in Beilin that also covers Yanta's G, set up by city staff."""
    return services.party_organization_create(
        actor=staff_user,
        organizations=[dataset.e, dataset.g],
        data=PartyOrganizationData(
            name="跨区联合党支部", formation="joint", area=beilin, established_on=dt.date(2020, 5, 1)
        ),
    )
