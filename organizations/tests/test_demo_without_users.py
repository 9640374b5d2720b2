"""The demo seed without its users (a module of its own: organizations/tests/test_demo.py
seeds the demo with its users once for all of its tests)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from organizations.models import SocialOrganization

pytestmark = pytest.mark.django_db


def test_no_demo_users_unless_debug_or_asked(settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    assert SocialOrganization.objects.active().count() == 3866
