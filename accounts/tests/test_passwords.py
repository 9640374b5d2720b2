"""Password rules (accounts/passwords.py through AUTH_PASSWORD_VALIDATORS) and the self-service change page."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory
from accounts.tests.factories import UserFactory

OLD = "pw-test-123"
GOOD = "Harbour-Lantern-72"


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


def codes(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_a_long_password_of_three_classes_passes(owner):
    assert codes(GOOD, owner) == set()
    assert codes("harbour-lantern-72", owner) == set()  # lower, digits, symbols


def test_shorter_than_ten_is_refused(owner):
    assert "password_too_short" in codes("Ab3-xyz9", owner)
    assert "password_too_short" not in codes("Ab3-xyz9qq", owner)


def test_fewer_than_three_character_classes_is_refused(owner):
    assert "password_too_simple" in codes("harbourlanternsea", owner)
    assert "password_too_simple" in codes("harbourlantern72", owner)
    assert "password_too_simple" not in codes("Harbourlantern72", owner)


def test_a_password_containing_the_username_is_refused(db):
    user = UserFactory(username="zhangwei")
    assert "password_contains_username" in codes("Zhangwei-2024!", user)
    assert "password_contains_username" in codes("iewgnahz-2024!X", user)


def test_the_last_five_passwords_cannot_be_reused(owner):
    history = ["Harbour-Lantern-1", "Harbour-Lantern-2", "Harbour-Lantern-3", "Harbour-Lantern-4", "Harbour-Lantern-5"]
    for password in history:
        owner.set_password(password)
        owner.save()
    assert PasswordHistory.objects.filter(user=owner).count() == 5
    for password in history:
        assert "password_reused" in codes(password, owner)
    # Six changes back is forgotten: the original is allowed again.
    owner.set_password("Harbour-Lantern-6")
    owner.save()
    assert "password_reused" not in codes("Harbour-Lantern-1", owner)
    assert PasswordHistory.objects.filter(user=owner).count() == 5


def test_the_change_page_is_linked_from_the_account_area(client, owner):
    client.force_login(owner)
    assert reverse("password_change") in client.get(reverse("home")).content.decode()


def test_the_change_page_needs_a_login(client, db):
    assert client.get(reverse("password_change")).status_code == 302


def test_a_user_changes_their_own_password_and_stays_signed_in(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": GOOD, "new_password2": GOOD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "密码已修改" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(GOOD)
    assert client.get(reverse("home")).status_code == 200


def test_the_change_page_refuses_a_weak_password_in_chinese(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": "owner12345", "new_password2": "owner12345"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "密码不能包含用户名" in text and "类" in text
    owner.refresh_from_db()
    assert owner.check_password(OLD)


def test_the_admin_applies_the_rules(client, owner):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    response = client.post(url, {"password1": "short", "password2": "short", "usable_password": "true"})
    assert response.status_code == 200
    assert "password_too_short" in {e.code for e in response.context["form"].errors.as_data()["password2"]}
    owner.refresh_from_db()
    assert owner.check_password(OLD)
