"""A notice to a leadership user that a half-year's recount has completed,
with the briefing's summary (imported by dashboard/models.py, so it belongs
to the dashboard app and its migrations)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user) -> NoticeQuerySet:
        """A user's own notices, and nobody else's."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leadership_notices")
    period = models.ForeignKey("coverage.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="+")
    recount_run = models.ForeignKey("coverage.RecountRun", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("leadership notice")
        verbose_name_plural = _("leadership notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Idempotent: a redelivered or repeated job finds the notice already there.
            models.UniqueConstraint(
                fields=["user", "period", "recount_run"], name="one_notice_per_user_period_and_recount"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dashboard:notice-open", args=[self.pk])

    def briefing_url(self) -> str:
        return f"{reverse('dashboard:briefing')}?period={self.period.code}"

    @property
    def sentences(self) -> list[str]:
        return [line for line in self.summary.splitlines() if line]


class BoundaryFile(models.Model):
    """District boundaries an administrator uploaded (GeoJSON), drawn on the
    map instead of the tiles while it is the active one. Only the polygons of
    areas the file names by code are kept (dashboard/leadership/boundaries.py)."""

    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(
        _("source and licence"), help_text=_("Who made the boundaries and under which licence they may be shown.")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    active = models.BooleanField(_("drawn on the map"), default=True)
    # {area code: [polygon, …]}, a polygon a list of rings, a ring a list of [lon, lat].
    shapes = models.JSONField(default=dict)
    feature_count = models.PositiveIntegerField(_("districts"), default=0)

    class Meta:
        verbose_name = _("boundary file")
        verbose_name_plural = _("boundary files")
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_boundary_file")
        ]

    def __str__(self) -> str:
        return self.name
