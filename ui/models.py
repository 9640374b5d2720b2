from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row: a token replaced after every committed change of data
    (ui/data_version.py), which cached pages carry in their keys."""

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("data version")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="dataversion_single_row")]

    def __str__(self) -> str:
        return self.token
