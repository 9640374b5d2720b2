"""Records that change between the half-years, on top of the shared `dataset`.

What each one does to 2020H2 (against 2020H1), worked out by hand:

- N1 (碑林, 4 members) registers 2020-09-10, nothing covers it: registered, 应建未建 gained.
- N2 (雁塔 law firm) registers 2020-09-15 with its own branch set up 2020-11-01:
  registered, organisationally and work covered, branch set up.
- N3 (碑林) registers 2020-08-01 and deregisters 2020-11-01: in both lists, in no coverage list.
- L (碑林 law firm, own branch since 2018) deregisters 2020-10-08: deregistered, loses both coverages.
- The B、C joint branch is dissolved 2020-08-15: B and C lose organisational coverage;
  C gets an instructor 2020-08-20, so only B loses work coverage.
- D's instructor leaves 2020-07-31: D loses work coverage (instructor left).
- E's instructor left 2020-06-30 (the dataset): still counted on 30 June, E loses work coverage in 2020H2.
- G (雁塔 law firm, 3 members) gets its own branch 2020-12-01: covered, 应建未建 cleared.
- A's second instructor leaves 2020-12-31: in the "left" list, yet still counted on the last day.

And to 2020H1 (against 2019H2): F's branch was dissolved 2020-01-01 and a new one set
up 2020-03-01, so F is covered on both days and in no coverage list; D's instructor
started 2020-01-01 (work covered); H (deregistered 2020-03-01) leaves every figure.

Political building: in 2020H2 N1 writes party building into its charter
(2020-10-01), G becomes cross-appointed (2020-12-01) and sets up consultation
on the last day, and L, deregistered, takes its charter and cross-appointment
(since 2019) out of the figures. In 2020H1 A's charter (2020-03-01) and B's
secretary at meetings (2020-06-30, the last day) count for the first time,
and H, deregistered, takes its secretary at meetings (since 2019) out.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from coverage.recount import services
from organizations.models import PartyOrganization, SocialOrganization
from organizations.tests.factories import (
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
)
from political.models import PoliticalBuilding

LAW = SocialOrganization.Category.LAW_FIRM
PERIODS = ("2019H2", "2020H1", "2020H2")


def add_changes(dataset, beilin, yanta, justice) -> SimpleNamespace:
    org, party = SocialOrganizationFactory, PartyOrganizationFactory
    n1 = org(name="N1 协会", area=beilin, formal_party_members=4, registered_on=dt.date(2020, 9, 10))
    n2 = org(
        name="N2 律师事务所",
        area=yanta,
        supervising_unit=justice,
        category=LAW,
        formal_party_members=3,
        registered_on=dt.date(2020, 9, 15),
    )
    n2_branch = party(
        name="N2 律师事务所党支部",
        area=yanta,
        supervising_unit=justice,
        established_on=dt.date(2020, 11, 1),
        term_due_on=dt.date(2023, 11, 1),
        organizations=[n2],
    )
    n3 = org(
        name="N3 协会（当年注销）",
        area=beilin,
        registered_on=dt.date(2020, 8, 1),
        status=SocialOrganization.Status.DEREGISTERED,
        deregistered_on=dt.date(2020, 11, 1),
    )
    law = org(
        name="L 律师事务所（注销）",
        area=beilin,
        supervising_unit=justice,
        category=LAW,
        formal_party_members=5,
        registered_on=dt.date(2017, 3, 1),
        status=SocialOrganization.Status.DEREGISTERED,
        deregistered_on=dt.date(2020, 10, 8),
    )
    law_branch = party(
        name="L 律师事务所党支部", area=beilin, supervising_unit=justice, established_on=dt.date(2018, 1, 1)
    )
    law_branch.organizations.set([law])
    PartyOrganization.objects.filter(pk=dataset.joint.pk).update(
        status=PartyOrganization.Status.DISSOLVED, dissolved_on=dt.date(2020, 8, 15)
    )
    c_instructor = InstructorAssignmentFactory(organization=dataset.c, started_on=dt.date(2020, 8, 20))
    d_instructor = dataset.d.instructor_assignments.get()
    d_instructor.ended_on = dt.date(2020, 7, 31)
    d_instructor.save()
    g_branch = party(
        name="G 律师事务所党支部",
        area=yanta,
        supervising_unit=justice,
        established_on=dt.date(2020, 12, 1),
        term_due_on=dt.date(2023, 12, 1),
        organizations=[dataset.g],
    )
    a_instructor = InstructorAssignmentFactory(
        organization=dataset.a, started_on=dt.date(2019, 3, 1), ended_on=dt.date(2020, 12, 31)
    )
    f_branch = party(
        name="F 协会新党支部", area=beilin, established_on=dt.date(2020, 3, 1), term_due_on=dt.date(2023, 3, 1)
    )
    f_branch.organizations.set([dataset.f])
    political = PoliticalBuilding.objects.create
    political(organization=n1, charter_on=dt.date(2020, 10, 1))
    political(
        organization=law,
        charter_on=dt.date(2019, 1, 1),
        members_in_management=2,
        management_on_committee=1,
        cross_appointed_on=dt.date(2019, 1, 1),
    )
    political(
        organization=dataset.g,
        members_in_management=1,
        management_on_committee=1,
        cross_appointed_on=dt.date(2020, 12, 1),
        consultation_on=dt.date(2020, 12, 31),
    )
    political(organization=dataset.a, charter_on=dt.date(2020, 3, 1))
    political(organization=dataset.b, secretary_meetings_on=dt.date(2020, 6, 30))
    political(organization=dataset.h, secretary_meetings_on=dt.date(2019, 5, 1))
    return SimpleNamespace(
        n1=n1,
        n2=n2,
        n2_branch=n2_branch,
        n3=n3,
        law=law,
        law_branch=law_branch,
        c_instructor=c_instructor,
        d_instructor=d_instructor,
        g_branch=g_branch,
        a_instructor=a_instructor,
        f_branch=f_branch,
    )


def recount_all() -> None:
    for period in PERIODS:
        services.recount_run(period=period)
