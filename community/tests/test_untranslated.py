"""The community pages in Chinese carry no English interface word, for each
demo role (the lists are read by ui/tests/test_untranslated.py; these are the
pages that name a record, and the forms)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from community.models import IncubatedOrganization, Need, Project, ServiceItem
from engagement.models import PilotCommunity
from ui.tests.test_untranslated import english_words

pytestmark = pytest.mark.django_db


def _pages(user) -> list[str]:
    pages = [reverse("community:district")]
    pilot = PilotCommunity.objects.for_user(user).order_by("pk").first()
    if pilot is not None:
        pages.append(reverse("community:pilot-page", args=[pilot.pk]))
    for model, name in (
        (Need, "need-detail"),
        (Need, "need-update"),
        (ServiceItem, "service-detail"),
        (ServiceItem, "service-update"),
        (Project, "project-update"),
        (IncubatedOrganization, "incubated-update"),
    ):
        record = model.objects.for_user(user).order_by("pk").first()
        if record is not None:
            pages.append(reverse(f"community:{name}", args=[record.pk]))
    need = Need.objects.for_user(user).order_by("pk").first()
    if need is not None:
        pages.append(reverse("community:project-create") + f"?need={need.pk}")
    if user.is_citywide:
        pages.append(reverse("community:district") + "?district=610103")
    return pages


def test_community_pages_are_in_chinese(client):
    call_command("seed_demo", "--demo-users", stdout=io.StringIO())
    found: dict[str, set[str]] = {}
    read = 0
    for username in ("beilin", "lawyers", "staff", "leader"):
        client.force_login(User.objects.get(username=username))
        for path in _pages(User.objects.get(username=username)):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code != 200:
                continue
            read += 1
            if words := english_words(response.content.decode()):
                found.setdefault(path, set()).update(words)
    assert read > 15
    assert not found, found
