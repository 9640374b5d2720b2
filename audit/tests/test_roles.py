"""The demo's three administrators (三员分立), as seed_demo creates them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from organizations.demo import seed_demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrators(settings):
    users, _skipped = seed_demo_users(settings.DEMO_PASSWORD)
    return {user.username: user for user in users if user.username in ("sysadmin", "secadmin", "auditor")}


def test_each_administrator_has_their_own_role_and_admin_rights(administrators):
    sysadmin, secadmin, auditor = (User.objects.get(username=name) for name in ("sysadmin", "secadmin", "auditor"))
    assert (sysadmin.role, secadmin.role, auditor.role) == ("sysadmin", "secadmin", "auditor")
    assert not any(user.is_superuser for user in (sysadmin, secadmin, auditor))
    # The system administrator manages users, not unlocks or permissions.
    assert sysadmin.has_perm("accounts.change_user") and not sysadmin.has_perm("accounts.delete_loginfailure")
    assert not sysadmin.has_perm("auth.change_group")
    # The security administrator unlocks and manages groups, and creates no users.
    assert secadmin.has_perm("accounts.delete_loginfailure") and secadmin.has_perm("auth.change_group")
    assert not secadmin.has_perm("accounts.add_user")
    # The auditor has no admin at all.
    assert not auditor.is_staff and not auditor.get_all_permissions()


@pytest.mark.parametrize(("username", "status"), [("sysadmin", 403), ("secadmin", 403), ("auditor", 200)])
def test_only_the_auditor_opens_the_log(client, administrators, username, status):
    client.force_login(administrators[username])
    assert client.get(reverse("audit:log")).status_code == status


@pytest.mark.parametrize("username", ["sysadmin", "secadmin"])
def test_the_other_administrators_see_no_log_in_the_admin_either(client, administrators, username):
    client.force_login(administrators[username])
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
