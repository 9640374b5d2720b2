"""三员分立: the auditor reads and exports the log and nothing else; nobody else reads it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

Kind = AuditEntry.Kind


@pytest.fixture
def auditor(db) -> User:
    return UserFactory(username="auditor", role=User.Role.AUDITOR)


@pytest.fixture
def entries(beilin_user):
    # One of each of three kinds, a day apart.
    rows = [
        AuditEntry.objects.create(kind=Kind.LOGIN, user=beilin_user, username="beilin", ip_address="10.0.0.1"),
        AuditEntry.objects.create(kind=Kind.LOGIN_FAILED, username="mallory", outcome="failure"),
        AuditEntry.objects.create(kind=Kind.EXPORT, user=beilin_user, username="beilin", details={"rows": 3}),
    ]
    return rows


def test_the_auditor_reads_the_log_filtered_by_kind_user_and_day(client, auditor, entries):
    client.force_login(auditor)
    url = reverse("audit:log")
    page = client.get(url)
    assert page.status_code == 200
    # The three entries and the auditor's own login.
    assert page.context["table"].paginator.count == AuditEntry.objects.count() == 4
    assert client.get(url, {"kind": Kind.LOGIN_FAILED}).context["table"].paginator.count == 1
    assert client.get(url, {"username": "beilin"}).context["table"].paginator.count == 2
    today = entries[0].created_at.astimezone().date()
    assert (
        client.get(url, {"since": today.isoformat(), "until": today.isoformat()}).context["table"].paginator.count == 4
    )
    assert client.get(url, {"until": "2000-01-01"}).context["table"].paginator.count == 0


def test_the_auditor_exports_the_log_and_the_export_is_itself_recorded(client, auditor, entries):
    client.force_login(auditor)
    response = client.get(reverse("audit:log"), {"username": "beilin", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 2
    [export] = AuditEntry.objects.filter(kind=Kind.EXPORT, user=auditor)
    assert (export.details["path"], export.details["query"], export.details["rows"]) == (
        reverse("audit:log"),
        "username=beilin",
        2,
    )


@pytest.mark.parametrize(
    "role",
    [
        User.Role.SYSTEM_ADMIN,
        User.Role.SECURITY_ADMIN,
        User.Role.STAFF,
        User.Role.LEADER,
    ],
)
def test_nobody_else_opens_the_log(client, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role, is_staff=True))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:log"), {"_export": "csv"}).status_code == 403


def test_not_even_a_superuser_opens_the_log_in_the_app_or_the_admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403


def test_the_district_officials_cannot_read_it_either(client, beilin_user):
    client.force_login(beilin_user)
    assert client.get(reverse("audit:log")).status_code == 403


def test_the_auditor_reads_no_records_and_changes_nothing(client, auditor, dataset):
    client.force_login(auditor)
    organization = dataset.a
    statuses = [
        client.get(url).status_code
        for url in (
            reverse("organizations:organization-list"),
            reverse("organizations:organization-detail", args=[organization.pk]),
            reverse("admin:index"),
        )
    ]
    # No list (403), no record (404, as for another district's), no admin (its login page).
    assert statuses == [403, 404, 302]
    before = organization.name
    for url, refused in (
        (reverse("organizations:organization-create"), 403),
        (reverse("organizations:organization-update", args=[organization.pk]), 404),
    ):
        response = client.post(url, {"name": "审计员改的名字", "area": organization.area_id})
        assert response.status_code == refused, url
        statuses.append(response.status_code)
    organization.refresh_from_db()
    assert organization.name == before
    # Each 403 is itself an entry.
    assert AuditEntry.objects.filter(kind=Kind.PERMISSION_DENIED, user=auditor).count() == statuses.count(403)


def test_the_log_entries_cannot_be_changed_in_the_admin(client, auditor, entries):
    auditor.is_staff = True
    auditor.save()
    client.force_login(auditor)
    entry = entries[0]
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    # Read-only: the change page shows, a POST changes nothing, delete is refused.
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"username": "someone-else"})
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.username == "beilin"


def test_the_auditor_lands_on_the_log_after_logging_in(client, auditor):
    response = client.post(reverse("login"), {"username": "auditor", "password": "pw-test-123"})
    assert response.url == reverse("audit:log")


def test_the_menu_shows_the_log_to_the_auditor_only(client, auditor, staff_user):
    client.force_login(auditor)
    page = client.get(reverse("audit:log")).content.decode()
    assert reverse("audit:log") in page
    assert reverse("organizations:organization-list") not in page
    client.force_login(staff_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("audit:log") not in page
    assert reverse("organizations:organization-list") in page
