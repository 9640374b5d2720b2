"""Sending notices: one function for every kind (`notice_send`, `notices_send`).

A notice is written in the caller's transaction (the review, the scan, the
daily job), so it exists exactly when the event does; the email leaves only
after that transaction commits. Both are idempotent: the database refuses a
second notice for the same user, kind, record and occasion (the insert
ignores it), and an email is sent for a notice whose `emailed_at` is empty
and stamped once sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from xian_partybuild import clock

from .models import Notice, NoticeMute

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 500


@dataclass(frozen=True)
class Draft:
    """One notice to write: to whom, about which record and occasion, saying what."""

    user: User
    record_key: str
    title: str
    url: str
    occasion: str = ""
    body: str = ""


def notice_send(
    *,
    kind: str,
    recipients: Iterable[User],
    record_key: str,
    title: str,
    url: str,
    occasion: str = "",
    body: str = "",
) -> int:
    """Tell each recipient about one record. Returns how many notices were
    offered to the database (muted and inactive recipients left out); one
    that exists already is ignored there."""
    unmuted = isinstance(recipients, QuerySet)
    if unmuted:
        # The mutes left out in the recipients' own query: one query fewer per event.
        recipients = recipients.exclude(notice_mutes__kind=kind)
    return notices_send(
        kind=kind,
        drafts=[Draft(user, record_key, title, url, occasion, body) for user in recipients],
        unmuted=unmuted,
    )


def notices_send(*, kind: str, drafts: list[Draft], unmuted: bool = False) -> int:
    """Write the drafts of one kind (one INSERT per 500; repeats are ignored
    by the unique constraint) and email the new ones after the commit.
    Recipients who muted the kind are skipped (one query, unless the caller
    says `unmuted`: it has left them out already)."""
    drafts = [draft for draft in drafts if draft.user.is_active]
    if not drafts:
        return 0
    if not unmuted:
        muted = set(
            NoticeMute.objects.filter(kind=kind, user_id__in={d.user.pk for d in drafts}).values_list(
                "user_id", flat=True
            )
        )
        drafts = [draft for draft in drafts if draft.user.pk not in muted]
        if not drafts:
            return 0
    now = clock.now()
    Notice.objects.bulk_create(
        [
            Notice(
                user=draft.user,
                kind=kind,
                record_key=draft.record_key,
                occasion=draft.occasion,
                title=draft.title[:200],
                body=draft.body,
                url=draft.url,
                created_at=now,
            )
            for draft in drafts
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    keys = sorted({draft.record_key for draft in drafts})
    user_ids = sorted({draft.user.pk for draft in drafts if draft.user.email})
    if user_ids:
        transaction.on_commit(lambda: notices_email(kind=kind, record_keys=keys, user_ids=user_ids))
    return len(drafts)


def notices_email(*, kind: str, record_keys: list[str], user_ids: list[int]) -> int:
    """Email the users' notices of `kind` about these records not emailed
    yet: one message per user (several notices in one message). Returns how
    many messages were sent."""
    pending: dict[int, list[Notice]] = defaultdict(list)
    for start in range(0, len(record_keys), BATCH):
        rows = Notice.objects.filter(
            kind=kind,
            record_key__in=record_keys[start : start + BATCH],
            user_id__in=user_ids,
            emailed_at__isnull=True,
        ).select_related("user")
        for notice in rows:
            if notice.user.email:
                pending[notice.user_id].append(notice)
    site = settings.SITE_URL.rstrip("/")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for notices in pending.values():
            if len(notices) == 1:
                subject = notices[0].title
                body = "\n".join([*notices[0].lines, "", f"{site}{notices[0].url}"])
            else:
                subject = _("%(count)s new notices") % {"count": len(notices)}
                body = "\n\n".join(f"{n.title}\n{site}{n.url}" for n in notices)
            send_mail(subject, body, None, [notices[0].user.email])
            # Stamped once sent: a failed send is tried again, a second run sends nothing.
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=clock.now())
            sent += 1
    return sent


def notice_open(*, user: User, notice: Notice) -> Notice:
    """Mark one's own notice read (opening it does)."""
    if notice.user_id != user.pk:
        raise PermissionDenied
    if notice.read_at is None:
        notice.read_at = clock.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_read_all(*, user: User) -> int:
    """Mark all of one's notices read."""
    return Notice.objects.for_user(user).unread().update(read_at=clock.now())


@transaction.atomic
def notice_mutes_set(*, user: User, kinds: Iterable[str]) -> set[str]:
    """Mute exactly these kinds of notice for the user (unmute the others)."""
    kinds = {kind for kind in kinds if kind in Notice.Kind.values}
    NoticeMute.objects.filter(user=user).exclude(kind__in=kinds).delete()
    have = set(NoticeMute.objects.filter(user=user).values_list("kind", flat=True))
    NoticeMute.objects.bulk_create([NoticeMute(user=user, kind=kind) for kind in kinds - have])
    return kinds
