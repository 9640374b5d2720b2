"""No English UI word on a Chinese page: each demo role, in zh-hans, reads
every list page, the dashboard and a detail page of each kind, and the test
names each page and word left untranslated.

Visible text only (scripts and styles stripped; placeholders and titles read
too); whole words, case-sensitive, from a list of words that appear only as
untranslated interface text, never in the demo's (Chinese) data."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from brands.models import Brand
from coverage.models import EarlyWarning, Ledger
from engagement.models import (
    Contribution,
    PilotAssignment,
    PilotCommunity,
    PlaqueAward,
    TrainingBase,
    TrainingSession,
)
from organizations.models import Area, PartyOrganization, SocialOrganization
from ratings.models import Evaluation, Pairing, Round

from .pages import argumentless_pages

ROLES = ("beilin", "yanta", "lawyers", "staff", "leader")
ENGLISH = (
    "File name", "Row count", "Previous", "Next", "Export", "Search", "Filter", "Name", "Status", "Actions",
    "Yes", "No", "None", "Edit", "Delete", "Save", "Cancel", "Page", "of", "All", "Unknown", "Total", "Download",
    "Submit", "Back", "Print", "Details", "Date", "Show", "Apply", "Reset", "Clear", "Remove", "Loading", "results",
    "rows", "Created", "Updated", "Import", "Overview", "Area", "Menu", "Log out", "Forbidden", "Not Found",
)  # fmt: skip
WORDS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return set(WORDS.findall("\n".join(parser.parts)))


def detail_pages(user: User) -> list[str]:
    """One record of each kind the user may see, the first in key order."""
    pages = []
    for model in (
        SocialOrganization,
        PartyOrganization,
        Evaluation,
        Pairing,
        TrainingBase,
        TrainingSession,
        PilotCommunity,
        PilotAssignment,
        PlaqueAward,
        Contribution,
        Brand,
    ):
        record = model.objects.for_user(user).order_by("pk").first()
        if record is not None:
            pages.append(record.get_absolute_url())
    for model, name in ((EarlyWarning, "coverage:warning-detail"), (Ledger, "coverage:ledger-review")):
        record = model.objects.for_user(user).order_by("pk").first()
        if record is not None:
            pages.append(reverse(name, args=[record.pk]))
    latest = Round.objects.order_by("-year").first()
    if latest is not None:
        pages += [reverse(f"ratings:{name}", kwargs={"year": latest.year}) for name in ("round-summary", "round-entry")]
    if user.area is not None and user.area.level != Area.Level.CITY:
        pages.append(reverse("coverage:area-detail", kwargs={"code": user.area.code}))
    return pages


@pytest.mark.django_db
def test_no_english_ui_word_on_a_chinese_page(client):
    call_command("seed_demo", "--demo-users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    lists = [reverse("home"), *argumentless_pages()]
    found: dict[str, set[str]] = {}
    read = 0
    for username in ROLES:
        user = User.objects.get(username=username)
        client.force_login(user)
        for path in dict.fromkeys(lists + detail_pages(user)):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            read += 1
            words = english_words(response.content.decode())
            if words:
                found.setdefault(path, set()).update(words)
    assert read > 100
    assert not found, "\n".join(f"{path}: {', '.join(sorted(words))}" for path, words in sorted(found.items()))
