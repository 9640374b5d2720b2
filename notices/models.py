"""站内通知: a notice to one user about one record, on one occasion.

Every kind of notice is one row of one table, so the header counts one
indexed column and the inbox lists one table. A notice names its record by a
key ("ledger:12") and carries the link to it, so this app depends on no app
whose records it announces; those apps call notices.services.notice_send.
"""

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
    class Kind(models.TextChoices):
        RECOUNT = "recount", _("Half-year briefing after a recount")
        LEDGER_RETURNED = "ledger_returned", _("Ledger returned")
        LEDGER_ACCEPTED = "ledger_accepted", _("Ledger accepted")
        LEDGER_DUE = "ledger_due", _("Ledger due within 7 days")
        LEDGER_OVERDUE = "ledger_overdue", _("Ledger overdue")
        EVALUATION_RETURNED = "evaluation_returned", _("Evaluation returned")
        EVALUATION_APPROVED = "evaluation_approved", _("Evaluation approved")
        WARNING_OPENED = "warning_opened", _("Early warning opened in your scope")
        RECTIFICATION_DUE = "rectification_due", _("Rectification due within 7 days")
        RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification overdue")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The record the notice is about ("ledger:12", "recount:7") and the event
    # of that record (a review's time, a due date, a half-year): together with
    # user and kind they make the notice unique, so a repeated job or a
    # redelivered task finds it already there.
    record_key = models.CharField(max_length=64)
    occasion = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "record_key", "occasion"], name="one_notice_per_user_kind_record_occasion"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notice_user_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:open", args=[self.pk])

    @property
    def lines(self) -> list[str]:
        return [line for line in self.body.splitlines() if line]


class NoticeMute(models.Model):
    """A kind of notice a user chose not to receive."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_mutes")
    kind = models.CharField(_("kind"), max_length=32, choices=Notice.Kind.choices)

    class Meta:
        verbose_name = _("muted kind of notice")
        verbose_name_plural = _("muted kinds of notice")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_mute_per_user_and_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
