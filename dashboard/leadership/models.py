"""The leadership pages' own records: the boundary files drawn on the map
(imported by dashboard/models.py, so they belong to the dashboard app and its
migrations). The notices that a recount completed are notices.Notice rows of
kind "recount" (dashboard/leadership/notices.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
