"""One entry per event, of each kind, with who, from where, what and the outcome."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from accounts.permissions import OUT_OF_SCOPE, READ_ONLY
from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from coverage.ledgers.imports import services as imports
from coverage.recount import services as recount
from coverage.tests.ledgers.files import csv_bytes, preview, row
from organizations import services as organizations
from organizations.models import SocialOrganization
from organizations.services import OrganizationData
from organizations.tests.test_services import _data as organization_data

pytestmark = pytest.mark.django_db

Kind = AuditEntry.Kind
PASSWORD = "pw-test-123"


def only(kind: str) -> AuditEntry:
    [entry] = AuditEntry.objects.filter(kind=kind)
    return entry


def test_login_and_logout_through_the_login_page(client, beilin_user):
    response = client.post(reverse("login"), {"username": "beilin", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    entry = only(Kind.LOGIN)
    assert (entry.user, entry.username, entry.ip_address, entry.outcome) == (
        beilin_user,
        "beilin",
        "10.1.2.3",
        AuditEntry.Outcome.SUCCESS,
    )
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    entry = only(Kind.LOGOUT)
    assert (entry.user, entry.ip_address) == (beilin_user, "10.1.2.3")


def test_a_failed_login_keeps_the_name_typed_and_no_password(client, beilin_user):
    client.post(reverse("login"), {"username": "beilin", "password": "wrong-secret"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("login"), {"username": "nobody", "password": "wrong-secret"}, REMOTE_ADDR="10.9.9.9")
    entries = AuditEntry.objects.filter(kind=Kind.LOGIN_FAILED).order_by("pk")
    assert [(e.username, e.user_id, e.ip_address, e.outcome) for e in entries] == [
        ("beilin", None, "10.9.9.9", "failure"),
        ("nobody", None, "10.9.9.9", "failure"),
    ]
    assert "wrong-secret" not in str([(e.details, e.changes) for e in entries])
    assert not AuditEntry.objects.filter(kind=Kind.LOGIN).exists()


def test_a_lock_out_is_recorded_each_time_it_refuses(client, beilin_user, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "beilin", "password": "wrong"})
    # The third failure locks; the right password is then refused as locked.
    client.post(reverse("login"), {"username": "beilin", "password": PASSWORD})
    assert AuditEntry.objects.filter(kind=Kind.LOGIN_FAILED).count() == 3
    locked = AuditEntry.objects.filter(kind=Kind.LOCKED_OUT)
    assert [(e.username, e.outcome) for e in locked] == [("beilin", "refused")] * 2
    assert not AuditEntry.objects.filter(kind=Kind.LOGIN).exists()


def _as_stored(record, **changes) -> OrganizationData:
    stored = {field.name: getattr(record, field.name) for field in dataclasses.fields(OrganizationData)}
    return OrganizationData(**(stored | changes))


def test_a_service_update_records_the_fields_before_and_after(beilin_user, dataset):
    organization = SocialOrganization.objects.get(pk=dataset.a.pk)
    organizations.organization_update(
        actor=beilin_user,
        organization=organization,
        data=_as_stored(organization, name="A 协会（新名）", staff_count=12),
    )
    entry = only(Kind.UPDATE)
    assert (entry.user, entry.object_id, entry.object_repr) == (beilin_user, str(dataset.a.pk), "A 协会（新名）")
    assert entry.content_type == ContentType.objects.get_for_model(SocialOrganization)
    assert entry.changes == {"name": ["A 协会", "A 协会（新名）"], "staff_count": [dataset.a.staff_count, 12]}


def test_a_service_create_records_the_new_record(beilin_user, beilin):
    organization, _warnings = organizations.organization_create(actor=beilin_user, data=organization_data(beilin))
    entry = only(Kind.CREATE)
    assert (entry.user, entry.object_id) == (beilin_user, str(organization.pk))
    assert entry.changes["name"] == [None, organization.name]
    assert entry.changes["area"] == [None, beilin.pk]


def test_a_csv_export_records_the_filters_and_the_rows_taken(client, staff_user, dataset):
    client.force_login(staff_user)
    response = client.get(reverse("organizations:organization-list"), {"q": "协会", "_export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    entry = only(Kind.EXPORT)
    assert entry.user == staff_user
    assert entry.details == {
        "path": reverse("organizations:organization-list"),
        "query": "q=%E5%8D%8F%E4%BC%9A",
        "format": "csv",
        "rows": len(rows),
    }
    assert len(rows) == SocialOrganization.objects.filter(name__contains="协会").count()


def test_an_xlsx_export_records_its_rows(client, beilin_user, dataset):
    client.force_login(beilin_user)
    client.get(reverse("organizations:organization-list"), {"_export": "xlsx"})
    entry = only(Kind.EXPORT)
    assert (entry.details["format"], entry.details["rows"]) == (
        "xlsx",
        SocialOrganization.objects.for_user(beilin_user).count(),
    )


def test_an_import_records_its_file_and_rows(beilin_user, beilin):
    recount.period_get(period="2020H2")
    record, _result = preview(beilin_user, csv_bytes([row(), row(), row()]), name="碑林台账.csv")
    imports.ledger_import_run(actor=beilin_user, ledger_import=record)
    entry = only(Kind.IMPORT)
    assert entry.user == beilin_user
    assert (entry.details["file"], entry.details["rows"], entry.details["created"]) == ("碑林台账.csv", 3, 3)


def test_a_refusal_records_the_address_the_page_and_the_reason(client, leader_user):
    client.force_login(leader_user)
    response = client.get(reverse("organizations:organization-create"), REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 403
    entry = only(Kind.PERMISSION_DENIED)
    assert (entry.user, entry.ip_address, entry.outcome) == (leader_user, "10.0.0.7", "refused")
    assert entry.details["path"] == reverse("organizations:organization-create")
    # The reason as the user read it (the pages speak Chinese).
    with translation.override("zh-hans"):
        assert entry.details["reason"] == str(READ_ONLY)


def test_a_page_that_answers_writes_nothing(client, staff_user, dataset):
    client.force_login(staff_user)
    assert client.get(reverse("organizations:organization-list")).status_code == 200
    assert client.get(reverse("organizations:organization-detail", args=[dataset.a.pk])).status_code == 200
    assert list(AuditEntry.objects.values_list("kind", flat=True)) == [Kind.LOGIN]


def test_an_admin_change_is_recorded(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    target = UserFactory(username="target", first_name="旧")
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "username": "target",
            "first_name": "新",
            "date_joined_0": target.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = only(Kind.ADMIN_CHANGE)
    assert (entry.user, entry.object_id, entry.details["action"]) == (admin, str(target.pk), "changed")
    assert "First name" in entry.details["message"] or "名" in entry.details["message"]


def test_an_unlock_by_the_security_administrator_is_recorded(client, beilin_user):
    secadmin = UserFactory(username="secadmin", role="secadmin", is_staff=True)
    secadmin.user_permissions.set(
        Permission.objects.filter(codename__in=["view_user", "delete_loginfailure"], content_type__app_label="accounts")
    )
    client.force_login(secadmin)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock", "_selected_action": [beilin_user.pk]}
    )
    assert response.status_code == 302
    entry = only(Kind.ADMIN_CHANGE)
    assert (entry.user, entry.object_id, entry.details["message"]) == (
        secadmin,
        str(beilin_user.pk),
        "Unlocked: failed logins forgotten.",
    )


def test_a_refusal_shown_on_a_form_is_recorded_like_a_403(client, beilin_user, dataset, monkeypatch):
    def refuse(**kwargs):
        raise PermissionDenied(OUT_OF_SCOPE)

    # The service refuses after the form validated (as when a write would leave the actor's scope).
    monkeypatch.setattr(organizations, "organization_update", refuse)
    client.force_login(beilin_user)
    url = reverse("organizations:organization-update", args=[dataset.a.pk])
    form = client.get(url).context["form"]
    data = {name: "" if field.value() is None else field.value() for name, field in ((f.name, f) for f in form)}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the reason
    entry = only(Kind.PERMISSION_DENIED)
    assert (entry.user, entry.outcome, entry.details["method"], entry.details["path"]) == (
        beilin_user,
        "refused",
        "POST",
        url,
    )
