"""Half-yearly recount snapshots, recount runs, ledgers (台账) and early
warnings (防瘫预警).

Dashboards read Snapshot rows, never the records: one row per period and
scope, replaced atomically by each recount.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scoping import ScopedQuerySet
from xian_partybuild import clock

from .recount.periods import HalfYear


class Period(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=[(1, _("first half")), (2, _("second half"))])
    last_recounted_at = models.DateTimeField(_("last successful recount"), null=True, blank=True)

    class Meta:
        verbose_name = _("half-year period")
        verbose_name_plural = _("half-year periods")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="one_period_per_half_year"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="half_is_1_or_2"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def half_year(self) -> HalfYear:
        return HalfYear(self.year, self.half)

    @property
    def code(self) -> str:
        return self.half_year.code

    @property
    def start(self):
        return self.half_year.start

    @property
    def end(self):
        return self.half_year.end


class RecountRun(models.Model):
    """One execution of the recount; at most one runs per period at a time."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        """Why a run failed, in words users read (the error field keeps the technical detail)."""

        BROKER = "broker", _("the task queue could not be reached")
        WORKER_LOST = "worker_lost", _("the worker running it stopped")
        ERROR = "error", _("an error in the recount")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    snapshot_count = models.PositiveIntegerField(default=0)
    frozen_kept = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    # Which worker runs it and when it last said so (real time, not the clock's
    # day): a run whose heartbeat stops is recognised as dead within minutes.
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    failure = models.CharField(_("failure"), max_length=16, choices=Failure.choices, blank=True)

    class Meta:
        verbose_name = _("recount run")
        verbose_name_plural = _("recount runs")
        ordering = ["-started_at"]
        constraints = [
            # The concurrency guard lives in the database: a second run of
            # the same period cannot even be recorded while one is running.
            models.UniqueConstraint(
                fields=["period"], condition=Q(status="running"), name="one_running_recount_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.get_status_display()} · {self.started_at:%Y-%m-%d %H:%M}"


class SnapshotQuerySet(ScopedQuerySet):
    # District officials see their area's rows; industry committees their
    # unit's row and their responsible-body row (which carries the unit).
    area_lookup = "area"
    unit_lookup = "supervising_unit"


class Snapshot(models.Model):
    """The frozen figures of one half-year for one scope."""

    class Scope(models.TextChoices):
        CITY = "city", _("City")
        AREA = "area", _("Area")
        SUPERVISING_UNIT = "unit", _("Supervising unit")
        CATEGORY = "category", _("Category")
        RESPONSIBLE_BODY = "responsible", _("Responsible body")
        # An industry committee's unit split by registration area (district),
        # so that its overview and chart break its figures down without
        # counting records per request. Key: "<unit pk>:<area key>".
        UNIT_AREA = "unit_area", _("Supervising unit by district")
        # A district (county, zone) split by where its organisations sit
        # (住所所在街道), for its breakdown and its dashboard's bars. Key:
        # "<district code>:<sub-district code>", or "<district code>:none"
        # for those whose sub-district is not recorded.
        SUBDISTRICT = "subdistrict", _("Sub-district")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="snapshots")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    scope_key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    area = models.ForeignKey("organizations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supervising_unit = models.ForeignKey(
        "organizations.SupervisingUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organizations = models.PositiveIntegerField(_("social organisations"), default=0)
    org_covered = models.PositiveIntegerField(_("organisationally covered"), default=0)
    work_covered = models.PositiveIntegerField(_("work covered"), default=0)
    must_establish = models.PositiveIntegerField(_("must establish"), default=0)
    must_establish_not_established = models.PositiveIntegerField(_("must establish, not established"), default=0)
    formal_party_members = models.PositiveIntegerField(_("formal party members"), default=0)
    instructors = models.PositiveIntegerField(_("instructors"), default=0)
    party_organizations = models.PositiveIntegerField(_("party organisations"), default=0)
    party_committees = models.PositiveIntegerField(_("party committees"), default=0)
    party_general_branches = models.PositiveIntegerField(_("general branches"), default=0)
    party_branches = models.PositiveIntegerField(_("branches"), default=0)
    party_standalone = models.PositiveIntegerField(_("standalone"), default=0)
    party_joint = models.PositiveIntegerField(_("joint"), default=0)
    org_coverage_rate = models.DecimalField(_("organisational coverage"), max_digits=5, decimal_places=4, default=0)
    work_coverage_rate = models.DecimalField(_("work coverage"), max_digits=5, decimal_places=4, default=0)
    # Political building (political.indicators): the active organisations
    # whose indicator held on the half-year's last day, and each one's rate.
    charter = models.PositiveIntegerField(_("party building in the charter"), default=0)
    cross_appointed = models.PositiveIntegerField(_("cross-appointed"), default=0)
    secretary_meetings = models.PositiveIntegerField(_("secretary attends key meetings"), default=0)
    consultation = models.PositiveIntegerField(_("consultation mechanism"), default=0)
    charter_rate = models.DecimalField(_("charter rate"), max_digits=5, decimal_places=4, default=0)
    cross_appointed_rate = models.DecimalField(_("cross-appointment rate"), max_digits=5, decimal_places=4, default=0)
    secretary_meetings_rate = models.DecimalField(
        _("secretary meetings rate"), max_digits=5, decimal_places=4, default=0
    )
    consultation_rate = models.DecimalField(_("consultation rate"), max_digits=5, decimal_places=4, default=0)
    # Each kind of change since the previous half-year (coverage.changes.Kind:
    # count) in this scope, written in the recount's transaction by
    # coverage.changes.summaries so that the change page reads them instead of
    # evaluating every touched organisation per request. Empty for the
    # category scope, which the change page does not offer.
    changes = models.JSONField(_("changes since the previous half-year"), default=dict, blank=True)
    # Set while the scope's ledger is accepted: a recount leaves the row alone.
    frozen = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["period", "scope", "scope_key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "scope", "scope_key"], name="one_snapshot_per_period_and_scope"),
            models.CheckConstraint(
                condition=Q(org_covered__lte=F("organizations"))
                & Q(work_covered__lte=F("organizations"))
                & Q(org_covered__lte=F("work_covered"))
                & Q(must_establish_not_established__lte=F("must_establish")),
                name="snapshot_counts_consistent",
            ),
            models.CheckConstraint(
                condition=Q(charter__lte=F("organizations"))
                & Q(cross_appointed__lte=F("organizations"))
                & Q(secretary_meetings__lte=F("organizations"))
                & Q(consultation__lte=F("organizations")),
                name="snapshot_political_counts_consistent",
            ),
        ]
        indexes = [models.Index(fields=["period", "scope"])]

    def __str__(self) -> str:
        return f"{self.period} · {self.label}"

    @property
    def uncovered(self) -> int:
        """Organisations neither organisationally nor work covered (未覆盖)."""
        return self.organizations - self.work_covered


class LedgerQuerySet(ScopedQuerySet):
    area_lookup = "area"
    unit_lookup = "supervising_unit"


class Ledger(models.Model):
    """A district's or industry committee's half-yearly ledger confirmation (台账)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not submitted")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="ledgers")
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledgers",
    )
    supervising_unit = models.ForeignKey(
        "organizations.SupervisingUnit",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledgers",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    due_on = models.DateField(_("due date"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")
        ordering = ["period", "area__sort_order", "supervising_unit__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False) & Q(supervising_unit__isnull=True))
                | (Q(area__isnull=True) & Q(supervising_unit__isnull=False)),
                name="ledger_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["period", "area"], condition=Q(area__isnull=False), name="one_area_ledger_per_period"
            ),
            models.UniqueConstraint(
                fields=["period", "supervising_unit"],
                condition=Q(supervising_unit__isnull=False),
                name="one_unit_ledger_per_period",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="returned_ledger_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.owner}"

    @property
    def owner(self):
        return self.area or self.supervising_unit

    @property
    def on_time(self) -> bool | None:
        if not self.submitted_at:
            return None
        return timezone.localtime(self.submitted_at).date() <= self.due_on


class LedgerImportQuerySet(ScopedQuerySet):
    area_lookup = "area"
    unit_lookup = "supervising_unit"


class LedgerImport(models.Model):
    """An uploaded ledger file. It is checked once, at upload (in a task); the
    result is stored (LedgerImportRow, LedgerImportProblem) and the import
    writes from it. The file's bytes are kept only until the import, or for
    the retention period of a file never imported."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEWED = "previewed", _("Checked, not imported")
        REJECTED = "rejected", _("Rejected")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        EXPIRED = "expired", _("Expired, not imported")

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="imports")
    area = models.ForeignKey(
        "organizations.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervising_unit = models.ForeignKey(
        "organizations.SupervisingUnit",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    # Emptied after the import or the retention period (content_deleted_at says when).
    content = models.BinaryField(blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64)
    content_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    # Progress of the check: rows checked so far of the rows the file seems to hold (0: unknown).
    checked_count = models.PositiveIntegerField(default=0)
    expected_count = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    # Why the last attempt to import failed and wrote nothing (a message code
    # of coverage.ledgers.imports.problems); cleared by the next attempt.
    failure = models.CharField(max_length=32, blank=True)

    objects = LedgerImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["imported", "expired"]) | Q(content_deleted_at__isnull=False),
                name="ledger_import_file_deleted_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class LedgerImportRow(models.Model):
    """A row of a checked file: for a valid row the model field values the
    import writes, and what the check found it would do with them (create,
    update, leave unchanged) to which record; a row with problems only so
    that the preview lists it (its code and name as written, and where its
    problems start). Kept after the import, as the list of what was done."""

    class Kind(models.TextChoices):
        CREATE = "create", pgettext_lazy("import row", "New")
        UPDATE = "update", pgettext_lazy("import row", "Update")
        UNCHANGED = "unchanged", pgettext_lazy("import row", "Unchanged")
        ERROR = "error", pgettext_lazy("import row", "Has problems")

    ledger_import = models.ForeignKey(LedgerImport, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()  # as Excel numbers it
    credit_code = models.CharField(max_length=18)
    values = models.JSONField()  # field name → value, dates as ISO text
    # "": a row stored before the check recorded kinds.
    kind = models.CharField(max_length=9, choices=Kind.choices, blank=True, default="")
    # The record the row updates or leaves alone (a new one's after the
    # import). No constraint or index: written by COPY at the check's pace,
    # read a page at a time; a deleted organisation leaves a dead link.
    organization = models.ForeignKey(
        "organizations.SocialOrganization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # A row with problems: the position of its first error (LedgerImportProblem),
    # so that a page's problems are one range lookup.
    first_problem = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ledger_import", "number"], name="one_import_row_per_number")]
        # The preview's filter by kind, paged in row order.
        indexes = [models.Index(fields=["ledger_import", "kind", "number"], name="import_row_kind")]

    def __str__(self) -> str:
        return f"{self.ledger_import_id}:{self.number}"


class LedgerImportProblem(models.Model):
    """A problem (or a warning) of a checked file, in row and column order:
    `position` counts from 0 within its import and severity, so any page is
    one range lookup. The message is written when shown (problems.Problem)."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Problem")
        WARNING = "warning", _("Warning")

    ledger_import = models.ForeignKey(LedgerImport, on_delete=models.CASCADE, related_name="problems")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    position = models.PositiveIntegerField()
    row = models.PositiveIntegerField()  # 0: the file as a whole, 1: the header
    column = models.CharField(max_length=255, blank=True)
    code = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_import", "severity", "position"], name="one_import_problem_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ledger_import_id}:{self.row}:{self.column}:{self.code}"


class EarlyWarningQuerySet(ScopedQuerySet):
    area_lookup = "area"
    unit_lookup = "supervising_unit"

    def open(self):
        return self.filter(status=EarlyWarning.Status.OPEN)

    def open_on(self, day: dt.date | None):
        """The warnings open at the end of `day`: opened by then and not cleared
        by then. For today or a later day (the current half-year's end) and for
        no day at all, the warnings open now: a half-year shows its own history,
        and the current warnings only for the half-year we live in."""
        if day is None or day >= clock.today():
            return self.open()
        return self.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day), opened_on__lte=day)


class EarlyWarning(models.Model):
    """防瘫预警: one rule found true of one record, tracked until it clears."""

    class Rule(models.TextChoices):
        NO_ACTIVITY = "no_activity", _("No organisational life for 6 months")
        SECRETARY_VACANT = "secretary_vacant", _("Secretary vacant")
        TERM_OVERDUE = "term_overdue", _("Term overdue")
        TOO_FEW_MEMBERS = "too_few_members", _("Standalone branch with fewer than 3 members")
        DEREGISTERED_ACTIVE = "deregistered_active", _("Organisation deregistered, party organisation still active")
        MUST_ESTABLISH = "must_establish", _("Must establish, not established 90 days after registration")
        NO_SETUP_CONTACT = "no_setup_contact", _("New organisation without a party-building contact")
        # 抓政治学习、政治引领: 应建必建 organisations write party building into their charter.
        CHARTER_MISSING = "charter_missing", _("Charter without party building a year after establishment")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Cleared")

    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    # "party:<id>" or "org:<id>": one key so that the open-warning uniqueness
    # holds in the database whichever kind of record it is about.
    subject_key = models.CharField(max_length=32)
    party_organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("party organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warnings",
    )
    organization = models.ForeignKey(
        "organizations.SocialOrganization",
        verbose_name=_("social organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warnings",
    )
    area = models.ForeignKey("organizations.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    supervising_unit = models.ForeignKey(
        "organizations.SupervisingUnit",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("cleared on"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification notes"), blank=True)
    rectification_started_on = models.DateField(_("rectification started"), null=True, blank=True)
    rectification_due_on = models.DateField(_("rectification due"), null=True, blank=True)
    rectification_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-opened_on", "rule"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"], condition=Q(status="open"), name="one_open_warning_per_rule_and_record"
            ),
            models.CheckConstraint(
                condition=Q(party_organization__isnull=False) | Q(organization__isnull=False),
                name="warning_is_about_a_record",
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (Q(status="closed") & Q(closed_on__isnull=False)),
                name="warning_closed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "area"])]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.party_organization or self.organization}"
