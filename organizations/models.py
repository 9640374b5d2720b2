"""The records: areas, supervising units, social organisations, party
organisations and instructor assignments.

Invariants live in database constraints; business rules live in services.py;
reads that answer coverage questions live in selectors.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xian_partybuild import clock

from .creditcode import validate_credit_code
from .querysets import (
    AreaQuerySet,
    InstructorAssignmentQuerySet,
    InstructorLoadQuerySet,
    PartyOrganizationQuerySet,
    SocialOrganizationQuerySet,
    SupervisingUnitQuerySet,
)


class Area(models.Model):
    """One node of the city's area tree: city, district/county/zone, sub-district, community."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        ZONE = "zone", _("Development zone")
        SUBDISTRICT = "subdistrict", _("Sub-district")
        COMMUNITY = "community", _("Community")

    REGISTRATION_LEVELS = (Level.CITY, Level.DISTRICT, Level.COUNTY, Level.ZONE)
    # Where an organisation sits (住所所在街道/社区): below the registration areas.
    LOCATION_LEVELS = (Level.SUBDISTRICT, Level.COMMUNITY)

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent area"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Administrative division code used in credit codes; development zones
    # register under their host district's code.
    division_code = models.CharField(_("division code"), max_length=6, blank=True)
    # Materialised path ("/610100/610103/") so that a whole subtree is one
    # indexed prefix match: scope checks never walk the tree.
    path = models.CharField(max_length=255, unique=True, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True) | (~Q(level="city") & Q(parent__isnull=False)),
                name="area_only_city_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is structure, not a business rule: it must follow the
        # parent whichever way the row is written (admin, service, seed),
        # and so must every descendant's when the code or parent changes.
        old_path = Area.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        # For post_save's receivers (the workload tally's): where it was.
        self._path_before = old_path
        with transaction.atomic():
            # Descendants first, so that post_save's receivers see the whole
            # subtree where it now is.
            if old_path and old_path != self.path:
                Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
                )
            super().save(*args, **kwargs)

    def registration_area(self) -> Area:
        """The district, county or zone (or the city) this area belongs to."""
        node = self
        while node.level not in self.REGISTRATION_LEVELS:
            node = node.parent
        return node

    def subdistrict_of(self, areas: dict[int, Area] | None = None) -> Area | None:
        """The sub-district this area is or lies in (None above sub-districts).
        `areas` (by key) spares a query per step when the tree is loaded."""
        node = self
        while node is not None and node.level == self.Level.COMMUNITY:
            node = areas[node.parent_id] if areas is not None else node.parent
        return node if node is not None and node.level == self.Level.SUBDISTRICT else None


class SupervisingUnit(models.Model):
    """业务主管单位, some with an industry party committee (行业党委)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    has_industry_committee = models.BooleanField(_("has an industry party committee"), default=False)
    industry_committee_name = models.CharField(_("industry party committee"), max_length=100, blank=True)

    objects = SupervisingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervising unit")
        verbose_name_plural = _("supervising units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(has_industry_committee=False) | ~Q(industry_committee_name=""),
                name="industry_committee_is_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# 应建必建: three formal party members or more must form their own organisation.
MUST_ESTABLISH_MEMBERS = 3


class CoverageState(models.TextChoices):
    """How an organisation is covered, from best to worst."""

    ORGANISATIONAL = "organisational", _("Organisationally covered")  # an active party organisation covers it
    WORK_ONLY = "work_only", _("Instructor only")  # no party organisation, but an instructor or liaison
    UNCOVERED = "uncovered", _("Not covered")


class SocialOrganization(models.Model):
    """A registered social organisation (社会组织) or intermediary."""

    class Category(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group")
        SOCIAL_SERVICE = "social_service", _("Social service agency")
        FOUNDATION = "foundation", _("Foundation")
        LAW_FIRM = "law_firm", _("Law firm")
        ACCOUNTING_FIRM = "accounting_firm", _("Accounting firm")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEREGISTERED = "deregistered", _("Deregistered")

    class SetupPath(models.TextChoices):
        STANDALONE = "standalone", _("Standalone party organisation")
        JOINT = "joint", _("Joint party organisation")
        INSTRUCTOR = "instructor", _("Party-building instructor")
        PENDING = "pending", _("Not yet decided")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    is_trade_association = models.BooleanField(_("industry association or chamber of commerce"), default=False)
    is_decoupled = models.BooleanField(_("decoupled from its former supervising department"), default=False)
    # The foreign keys have no index of their own: each is the first column of
    # the list's indexes below, which serve its lookups as well, and every
    # index more is one more write for each of an import's 100,000 rows.
    area = models.ForeignKey(
        Area,
        verbose_name=_("registration area"),
        on_delete=models.PROTECT,
        related_name="organizations",
        db_index=False,
    )
    # Where it sits (住所所在街道/社区), apart from the district that registered
    # it: a sub-district or a community under the registration area. A
    # district's figures break down by it (the recount's sub-district rows).
    location = models.ForeignKey(
        Area,
        verbose_name=_("sub-district or community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="located_organizations",
        limit_choices_to={"level__in": Area.LOCATION_LEVELS},
        db_index=False,
    )
    supervising_unit = models.ForeignKey(
        SupervisingUnit,
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        db_index=False,
    )
    registered_on = models.DateField(_("registration date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    deregistered_on = models.DateField(_("deregistration date"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("head count"))
    formal_party_members = models.PositiveIntegerField(_("formal party members"), default=0)
    # 登记同步: the setup path and a named contact are recorded at registration.
    setup_path = models.CharField(
        _("party organisation setup path"), max_length=16, choices=SetupPath.choices, default=SetupPath.PENDING
    )
    setup_contact = models.CharField(_("party-building contact"), max_length=50, blank=True)
    setup_contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The current coverage, as of the clock's day: derived from the party
    # organisations and instructors, written only by
    # organizations.coverage_state.refresh_coverage so that lists filter,
    # sort and count on indexed columns instead of per-row subqueries.
    current_coverage = models.CharField(
        _("coverage"), max_length=16, choices=CoverageState.choices, default=CoverageState.UNCOVERED, editable=False
    )
    current_org_covered = models.BooleanField(default=False, editable=False)
    current_own_party_org = models.BooleanField(default=False, editable=False)
    current_instructor = models.BooleanField(default=False, editable=False)
    current_must_establish_gap = models.BooleanField(default=False, editable=False)

    objects = SocialOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["area", "status"]),
            models.Index(fields=["supervising_unit", "status"]),
            # The list's filters and sorts, each followed by name and key: a page
            # (the list sorts by name, then key, within any of these) is a range of
            # one index read in order. The name search has GIN indexes on
            # PostgreSQL (migration 0003), which SQLite cannot have.
            models.Index(fields=["name", "id"], name="org_name_id"),
            models.Index(fields=["area", "name", "id"], name="org_area_name_id"),
            models.Index(fields=["supervising_unit", "name", "id"], name="org_unit_name_id"),
            models.Index(fields=["category", "name", "id"], name="org_category_name_id"),
            models.Index(fields=["location", "name", "id"], name="org_location_name_id"),
            models.Index(fields=["status", "name", "id"], name="org_status_name_id"),
            models.Index(fields=["current_coverage", "name", "id"], name="org_coverage_name_id"),
            models.Index(fields=["current_must_establish_gap", "name", "id"], name="org_gap_name_id"),
            # 变动明细: registrations and deregistrations of a half-year, and the
            # organisations a half-year touched, are ranges of these dates.
            models.Index(fields=["registered_on"], name="org_registered_on"),
            models.Index(fields=["deregistered_on"], name="org_deregistered_on"),
            # An area page lists the area's organisations that need attention (not
            # covered, or must establish and has not): a few per cent of the
            # area's rows. Only those rows are in this index, in the page's order,
            # so the page and its capped count read them and nothing else.
            models.Index(
                fields=["area", "name", "id"],
                name="org_attention_area_name_id",
                condition=Q(status="active") & (Q(current_coverage="uncovered") | Q(current_must_establish_gap=True)),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(formal_party_members__lte=F("staff_count")),
                name="party_members_within_head_count",
                violation_error_message=_("Formal party members cannot exceed the head count."),
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(deregistered_on__isnull=True))
                | (Q(status="deregistered") & Q(deregistered_on__isnull=False)),
                name="deregistration_has_date",
                violation_error_message=_(
                    "A deregistered organisation needs a deregistration date, an active one none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deregistered_on__isnull=True) | Q(deregistered_on__gte=F("registered_on")),
                name="deregistered_after_registration",
                violation_error_message=_("The deregistration date cannot precede the registration date."),
            ),
            # The stored answers agree with one another: the state follows
            # from the two coverage facts, and an own party organisation
            # covers. (Not tied to head count or status: a write changes
            # those first, and the refresh follows in the same transaction.)
            models.CheckConstraint(
                condition=(Q(current_coverage="organisational") & Q(current_org_covered=True))
                | (Q(current_coverage="work_only") & Q(current_org_covered=False) & Q(current_instructor=True))
                | (Q(current_coverage="uncovered") & Q(current_org_covered=False) & Q(current_instructor=False)),
                name="stored_coverage_state_consistent",
            ),
            models.CheckConstraint(
                condition=Q(current_own_party_org=False) | Q(current_org_covered=True),
                name="stored_own_party_org_covers",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self) -> None:
        # Field-level messages for what the constraints also enforce, so that
        # a form says where the problem is.
        errors: dict[str, str] = {}
        today = clock.today()
        if self.registered_on and self.registered_on > today:
            errors["registered_on"] = _("The registration date cannot be in the future.")
        if (
            self.staff_count is not None
            and self.formal_party_members is not None
            and self.formal_party_members > self.staff_count
        ):
            errors["formal_party_members"] = _(
                "Formal party members (%(members)s) cannot exceed the head count (%(staff)s)."
            ) % {"members": self.formal_party_members, "staff": self.staff_count}
        location_error = self._location_error()
        if location_error:
            errors["location"] = location_error
        if self.status == self.Status.DEREGISTERED and not self.deregistered_on:
            errors["deregistered_on"] = _("Give the deregistration date.")
        elif self.status == self.Status.ACTIVE and self.deregistered_on:
            errors["deregistered_on"] = _("An active organisation has no deregistration date.")
        elif self.deregistered_on and self.registered_on and self.deregistered_on < self.registered_on:
            errors["deregistered_on"] = _("The deregistration date cannot precede the registration date.")
        if errors:
            raise ValidationError(errors)

    def _location_error(self) -> str | None:
        """A sub-district or community, and one under the registration area
        (the city's own registrations sit anywhere in the city)."""
        if self.location_id is None:
            return None
        location = self.location
        if location.level not in Area.LOCATION_LEVELS:
            return _("Choose a sub-district (街道) or a community (社区), not %(area)s.") % {"area": location.name}
        if self.area_id is not None and not location.path.startswith(self.area.path):
            return _("%(place)s does not lie in %(area)s, where the organisation is registered.") % {
                "place": location.name,
                "area": self.area.name,
            }
        return None


class PartyOrganization(models.Model):
    """A party committee, general branch or branch (党委/党总支/党支部)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("General branch")
        BRANCH = "branch", _("Branch")

    class Formation(models.TextChoices):
        STANDALONE = "standalone", _("Standalone")
        JOINT = "joint", _("Joint")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    # Term lengths (换届): committees five years, branches and general branches three.
    TERM_YEARS = {Kind.COMMITTEE: 5, Kind.GENERAL_BRANCH: 3, Kind.BRANCH: 3}

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BRANCH)
    formation = models.CharField(_("formation"), max_length=16, choices=Formation.choices)
    organizations = models.ManyToManyField(
        SocialOrganization, verbose_name=_("covered organisations"), related_name="party_organizations", blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="party_organizations")
    supervising_unit = models.ForeignKey(
        SupervisingUnit,
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
    )
    secretary = models.CharField(_("secretary"), max_length=50, blank=True, help_text=_("Leave empty when vacant."))
    established_on = models.DateField(_("establishment date"))
    term_due_on = models.DateField(_("term due date"))
    last_activity_on = models.DateField(_("last organisational-life activity"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("formal party members"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    dissolved_on = models.DateField(_("dissolution date"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["area", "status"]),
            models.Index(fields=["supervising_unit", "status"]),
            # The list's filters and sorts, as for SocialOrganization; the dates
            # that call for action (换届, activity) sort by their own.
            models.Index(fields=["name", "id"], name="party_name_id"),
            models.Index(fields=["area", "name", "id"], name="party_area_name_id"),
            models.Index(fields=["supervising_unit", "name", "id"], name="party_unit_name_id"),
            models.Index(fields=["status", "name", "id"], name="party_status_name_id"),
            models.Index(fields=["term_due_on", "id"], name="party_term_due_id"),
            models.Index(fields=["established_on", "id"], name="party_established_id"),
            models.Index(fields=["last_activity_on", "id"], name="party_last_activity_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_due_on__gt=F("established_on")),
                name="term_due_after_establishment",
                violation_error_message=_("The term due date must come after the establishment date."),
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(dissolved_on__isnull=True))
                | (Q(status="dissolved") & Q(dissolved_on__isnull=False)),
                name="dissolution_has_date",
                violation_error_message=_(
                    "A dissolved party organisation needs a dissolution date, an active one none."
                ),
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="party_org_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:party-organization-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def secretary_vacant(self) -> bool:
        return not self.secretary.strip()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = clock.today()
        if self.established_on and self.established_on > today:
            errors["established_on"] = _("The establishment date cannot be in the future.")
        if self.established_on and self.term_due_on and self.term_due_on <= self.established_on:
            errors["term_due_on"] = _("The term due date must come after the establishment date.")
        if self.last_activity_on:
            if self.last_activity_on > today:
                errors["last_activity_on"] = _("The last activity cannot be in the future.")
            elif self.established_on and self.last_activity_on < self.established_on:
                errors["last_activity_on"] = _("The last activity cannot precede the establishment date.")
        if self.status == self.Status.DISSOLVED and not self.dissolved_on:
            errors["dissolved_on"] = _("Give the dissolution date.")
        elif self.status == self.Status.ACTIVE and self.dissolved_on:
            errors["dissolved_on"] = _("An active party organisation has no dissolution date.")
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("A party organisation cannot be its own parent.")
        if errors:
            raise ValidationError(errors)


class InstructorAssignment(models.Model):
    """A party-building instructor or liaison (党建指导员/联络员) assigned to an organisation."""

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", _("Party-building instructor")
        LIAISON = "liaison", _("Liaison")

    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="instructor_assignments",
    )
    person_name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.INSTRUCTOR)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    objects = InstructorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        ordering = ["-started_on"]
        # The assignments list opens newest first: at a million assignments the
        # first page is read from this index (0.4 ms) instead of a sort of them all (125 ms).
        indexes = [
            models.Index(F("started_on").desc(), F("id").desc(), name="assignment_started_id"),
            # A person's assignments, read when their workload is rewritten.
            models.Index(fields=["person_name", "phone", "role"], name="assignment_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_ends_after_start",
                violation_error_message=_("The end date cannot precede the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} → {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("organizations:instructor-detail", args=[self.pk])

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date cannot precede the start date.")})


class InstructorLoad(models.Model):
    """How many organisations each person (name, phone, role) serves today and
    in all, kept beside the assignments so the workload page reads a few rows
    instead of grouping every assignment (a million of them at scale).

    Three kinds of row, each read as it is, busiest first from an index, by
    the users whose scope it holds (InstructorLoadQuerySet.for_user):
    one per person for the whole city (`citywide`, area and unit empty); one
    per person and area (unit empty) for every area above the organisations
    served except the city, i.e. their registration area and any area it lies
    in; one per person and supervising unit (area empty). Summing cells per
    request instead took 0.3–0.45 s for a district at a million
    assignments (56,000 cells grouped for the count and again for the page).
    Written only by
    organizations/instructors/workload.py: every assignment write and every
    change of an organisation's area or unit rewrites the persons concerned,
    bulk writers rebuild, and the daily job rebuilds, since "today" moves.
    """

    person_name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=InstructorAssignment.Role.choices)
    citywide = models.BooleanField(default=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    supervising_unit = models.ForeignKey(
        SupervisingUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    serving = models.PositiveIntegerField(_("organisations served today"))
    total = models.PositiveIntegerField(_("assignments in all"))

    objects = InstructorLoadQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor workload")
        verbose_name_plural = _("instructor workloads")
        indexes = [
            # The city-wide page, busiest first, is read from this index.
            models.Index(F("citywide"), F("serving").desc(), F("person_name"), F("phone"), name="load_busiest"),
            models.Index(fields=["person_name", "phone", "role"], name="load_person"),
            # A district's page and an industry committee's, busiest first.
            models.Index(F("area"), F("serving").desc(), F("person_name"), F("phone"), name="load_area_busiest"),
            models.Index(
                F("supervising_unit"), F("serving").desc(), F("person_name"), F("phone"), name="load_unit_busiest"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(serving__lte=F("total")), name="load_serving_within_total"),
            models.CheckConstraint(
                condition=Q(citywide=False) | Q(area__isnull=True, supervising_unit__isnull=True),
                name="load_citywide_has_no_cell",
            ),
            # An area's row or a unit's, never both: each row holds one scope whole.
            models.CheckConstraint(
                condition=Q(citywide=True)
                | Q(area__isnull=False, supervising_unit__isnull=True)
                | Q(area__isnull=True, supervising_unit__isnull=False),
                name="load_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.serving}/{self.total}"
