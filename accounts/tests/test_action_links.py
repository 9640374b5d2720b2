"""A button or link is shown exactly when following it succeeds.

Each role walks the site from "/" as a browser would: every internal link in an
``<a href>`` is followed, every GET form is submitted with its current values
and every POST form (the action buttons and edit forms) is posted with its own
values inside a savepoint that is rolled back. Nothing shown to a user may
answer 403, 404 or 500, and no GET may bounce to the login page or off the site.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coverage.ledgers import services as ledgers
from coverage.ledgers.imports import services as ledger_import
from coverage.models import EarlyWarning
from coverage.recount import services
from coverage.tests.ledgers.files import csv_bytes, row
from coverage.warnings.scan import warning_scan
from coverage.warnings.services import warning_rectify
from engagement.models import Contribution
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
    TrainingSessionFactory,
)
from organizations.models import Area, SocialOrganization
from organizations.tests.factories import AreaFactory, PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services as ratings_services
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

pytestmark = pytest.mark.django_db

State = Evaluation.State
ROLES = ("beilin_user", "yanta_user", "lawyers_user", "staff_user", "leader_user")

HOST = "testserver"
# Pages read per path shape (digit runs read as N); six reach an evaluation in every state.
PER_SHAPE = 6
MAX_REQUESTS = 600
SKIP_PREFIXES = ("/logout/", "/i18n/", "/admin/", "/static/", "/media/")
SKIP_SCHEMES = ("mailto:", "javascript:", "tel:", "data:")
GET_OK = {200, 301, 302}
POST_OK = {200, 302, 303}
# What the crawl does with a URL: read its page for more, or only request it.
CRAWL, CHECK = "crawl", "check"


# --------------------------------------------------------------------------
# The city: at least one row on every kind of page, in every scope
# --------------------------------------------------------------------------


def _organisations(dataset, beilin, yanta, justice, culture) -> SimpleNamespace:
    org = SocialOrganizationFactory
    law = SocialOrganization.Category.LAW_FIRM
    b_law = org(name="碑林律所", area=beilin, supervising_unit=justice, category=law, formal_party_members=4)
    b_culture = org(name="碑林文化协会", area=beilin, supervising_unit=culture, formal_party_members=5)
    y_service = org(
        name="雁塔服务中心",
        area=yanta,
        category=SocialOrganization.Category.SOCIAL_SERVICE,
        formal_party_members=3,
    )
    y_law = org(name="雁塔律所", area=yanta, supervising_unit=justice, category=law)
    party = PartyOrganizationFactory
    return SimpleNamespace(
        b_law=b_law,
        b_culture=b_culture,
        y_service=y_service,
        y_law=y_law,
        # The lawyers' committee sees this Beilin branch through its supervising unit.
        law_party=party(name="碑林律所党支部", area=beilin, supervising_unit=justice, organizations=[b_law]),
        culture_party=party(name="碑林文化协会党支部", area=beilin, organizations=[b_culture]),
        # G 律师事务所's branch: a law-firm party organisation in Yanta under the justice bureau.
        yanta_party=party(name="G 律师事务所党支部", area=yanta, supervising_unit=justice, organizations=[dataset.g]),
        service_party=party(name="雁塔服务中心党支部", area=yanta, organizations=[y_service]),
    )


def _ratings(dataset, orgs, staff_user) -> SimpleNamespace:
    round_2019 = make_round(2019, closed=True, province_total=41)
    round_2020 = make_round(2020, province_total=59)
    evaluations = {
        "p_a_2019": make_evaluation(dataset.p_a, round_2019, state=State.APPROVED, total=75),
        "g_2019": make_evaluation(orgs.yanta_party, round_2019, state=State.CERTIFIED, total=97),
        "law_2019": make_evaluation(orgs.law_party, round_2019, state=State.NOT_CERTIFIED, total=96),
        "p_a": make_evaluation(dataset.p_a, round_2020, state=State.APPROVED, total=85),
        "joint": make_evaluation(dataset.joint, round_2020, state=State.SUBMITTED, total=66),
        "law": make_evaluation(orgs.law_party, round_2020, state=State.DRAFT, total=71),
        "culture": make_evaluation(orgs.culture_party, round_2020, state=State.RETURNED, total=60),
        "g": make_evaluation(orgs.yanta_party, round_2020, state=State.APPROVED, total=95),
        "service": make_evaluation(orgs.service_party, round_2020, state=State.SENT, total=96),
    }
    # Helped side in Beilin, helping side a Yanta law firm under the justice
    # bureau: the lawyers' committee and Yanta see it only through the partner.
    pairing = ratings_services.pairing_create(
        actor=staff_user,
        partner=orgs.yanta_party,
        party_organization=dataset.joint,
        started_on=dt.date(2020, 6, 1),
        goals="规范三会一课",
    )
    return SimpleNamespace(round_2019=round_2019, round_2020=round_2020, pairing=pairing, **evaluations)


def _coverage(beilin_user, yanta_user, lawyers_user, staff_user) -> SimpleNamespace:
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    warning_scan(today=dt.date(2021, 1, 15))
    warning = EarlyWarning.objects.filter(area__code="610103").order_by("pk").first()
    warning_rectify(
        actor=beilin_user, warning=warning, note="补选书记", started_on=dt.date(2021, 1, 1), due_on=dt.date(2021, 3, 1)
    )
    submitted = ledgers.ledger_submit(actor=beilin_user, period="2020H2", note="碑林台账")
    accepted = ledgers.ledger_accept(
        actor=staff_user, ledger=ledgers.ledger_submit(actor=lawyers_user, period="2020H2", note="律师行业台账")
    )
    returned = ledgers.ledger_return(
        actor=staff_user, ledger=ledgers.ledger_submit(actor=yanta_user, period="2020H1"), reason="补充说明"
    )
    preview, _result = ledger_import.ledger_import_preview(
        actor=beilin_user,
        period=services.period_get(period="2020H2"),
        file_name="ledger.csv",
        content=csv_bytes([row()]),
    )
    return SimpleNamespace(warning=warning, submitted=submitted, accepted=accepted, returned=returned, preview=preview)


def _engagement(orgs, beilin, yanta, nanyuanmen) -> SimpleNamespace:
    baojixiang = CommunityFactory(code="610103-01-01", name="保吉巷社区", parent=nanyuanmen)
    xiaozhai = AreaFactory(code="610113-01", name="小寨路街道", parent=yanta, level=Area.Level.SUBDISTRICT)
    jixiangcun = CommunityFactory(code="610113-01-01", name="吉祥村社区", parent=xiaozhai)
    b_base = TrainingBaseFactory(
        name="碑林基地", area=beilin, host_organization=orgs.b_culture, is_provincial_point=True
    )
    y_base = TrainingBaseFactory(name="雁塔基地", area=yanta, host_organization=orgs.y_law)
    b_pilot = PilotCommunityFactory(community=baojixiang)
    y_pilot = PilotCommunityFactory(community=jixiangcun)
    return SimpleNamespace(
        b_base=b_base,
        y_base=y_base,
        b_session=TrainingSessionFactory(base=b_base, topic="碑林培训", attendees=50, new_secretaries=20),
        y_session=TrainingSessionFactory(base=y_base, topic="雁塔培训", attendees=30, new_secretaries=5),
        b_pilot=b_pilot,
        y_pilot=y_pilot,
        b_assign=PilotAssignmentFactory(organization=orgs.b_culture, community=b_pilot, star_level_at_selection=4),
        b_law_assign=PilotAssignmentFactory(organization=orgs.b_law, community=b_pilot),
        y_assign=PilotAssignmentFactory(organization=orgs.y_law, community=y_pilot),
        b_plaque=PlaqueAwardFactory(organization=orgs.b_culture, community=b_pilot),
        y_plaque=PlaqueAwardFactory(organization=orgs.y_law, community=y_pilot, agreement_signed=False),
        b_contrib=ContributionFactory(
            organization=orgs.b_culture,
            kind=Contribution.Kind.POVERTY,
            made_on=dt.date(2019, 5, 1),
            money_yuan=Decimal("12000.00"),
            people_helped=30,
            description="碑林扶贫",
        ),
        y_contrib=ContributionFactory(
            organization=orgs.y_law, money_yuan=Decimal("5000.00"), description="雁塔律所抗疫"
        ),
        y_service_contrib=ContributionFactory(
            organization=orgs.y_service,
            money_yuan=Decimal("0.00"),
            goods_value_yuan=Decimal("800.00"),
            teams_sent=1,
            is_exemplary_case=True,
            description="雁塔医疗队",
        ),
    )


@pytest.fixture
def city_records(
    dataset, beilin, yanta, nanyuanmen, justice, culture, beilin_user, yanta_user, lawyers_user, staff_user, leader_user
):
    """Records behind every page; every role's user exists before anything is crawled."""
    orgs = _organisations(dataset, beilin, yanta, justice, culture)
    rated = _ratings(dataset, orgs, staff_user)
    engagement = _engagement(orgs, beilin, yanta, nanyuanmen)
    # Recount last, so the snapshots count every organisation above.
    coverage = _coverage(beilin_user, yanta_user, lawyers_user, staff_user)
    return SimpleNamespace(dataset=dataset, orgs=orgs, rated=rated, engagement=engagement, coverage=coverage)


# --------------------------------------------------------------------------
# Reading a page: links and forms
# --------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # (name, value) of each enabled submit button; name "" for an unnamed one.
    buttons: list[tuple[str, str]] = field(default_factory=list)


class PageParser(HTMLParser):
    """The hrefs and forms of a page, with each form's current values as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        disabled = "disabled" in attrs
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"].strip())
        elif tag == "form":
            self._form = Form(method=(attrs.get("method") or "get").lower(), action=attrs.get("action") or "")
            self.forms.append(self._form)
        elif self._form is None or disabled:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            self._form.buttons.append((attrs.get("name") or "", attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            self._select["options"].append(self._option)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "text": ""}

    def _input(self, attrs):
        kind = (attrs.get("type") or "text").lower()
        name = attrs.get("name")
        if kind in ("submit", "image"):
            self._form.buttons.append((name or "", attrs.get("value") or ""))
        elif not name or kind in ("file", "reset", "button"):
            return
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self._form.fields.append((name, attrs.get("value") or "on"))
        else:
            self._form.fields.append((name, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._close_select()
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                text = self._textarea["text"]
                # A newline straight after <textarea> is not part of the value.
                self._form.fields.append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def _close_select(self):
        select, self._select, self._option = self._select, None, None
        options = select["options"]
        chosen = [o for o in options if o["selected"]] or ([] if select["multiple"] else options[:1])
        if self._form is not None:
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self._form.fields.append((select["name"], value))


# --------------------------------------------------------------------------
# The crawl
# --------------------------------------------------------------------------


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


@dataclass
class Crawl:
    role: str
    login_path: str
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)
    # Pages read for links and forms, and URLs only requested for their status.
    visited: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    get_forms: list[tuple[str, str]] = field(default_factory=list)
    post_forms: list[tuple[str, str]] = field(default_factory=list)
    posted_keys: set[tuple] = field(default_factory=set)
    requests: int = 0
    # True when the request cap stopped the crawl with links still to follow.
    truncated: bool = False
    _seen: set[str] = field(default_factory=set)
    _query_keys: set[tuple] = field(default_factory=set)
    _shape_count: Counter = field(default_factory=Counter)

    def fail(self, shown_on: str, what: str, status: str) -> None:
        self.failures.append((self.role, shown_on, what, status))

    def internal(self, base: str, href: str) -> str | None:
        """The site-relative URL an href leads to, or None when it is not ours to follow."""
        if not href or href.startswith("#") or href.lower().startswith(SKIP_SCHEMES):
            return None
        parts = urlsplit(urljoin(f"http://{HOST}{base}", href))
        if parts.scheme not in ("http", "https") or parts.netloc != HOST:
            return None
        if parts.path.startswith(SKIP_PREFIXES):
            return None
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def admit(self, url: str) -> str | None:
        """CRAWL a URL (follow what its page shows), only CHECK its status, or None: skip it.

        Every distinct query-less URL is requested, so each record a page links to
        is tried; the pages of only PER_SHAPE of them per path shape are read
        further. A URL with a query string is crawled when it brings a query key
        its path shape has not been seen with yet (keys combine, so whole key sets
        would multiply); an export link when its format and the other keys are new.
        """
        if url in self._seen:
            return None
        self._seen.add(url)
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        path_shape = shape(parts.path)
        if not query:
            self._shape_count[path_shape] += 1
            return CRAWL if self._shape_count[path_shape] <= PER_SHAPE else CHECK
        keys = {k for k, _ in query}
        export = dict(query).get("_export")
        if export is not None:
            new = {(path_shape, "_export", export, tuple(sorted(keys)))}
        else:
            new = {(path_shape, key) for key in keys}
        if new <= self._query_keys:
            return None
        self._query_keys |= new
        return CRAWL


def _request(client: Client, method: str, url: str, data=None):
    """One request in a savepoint rolled back afterwards; an exception reads as a 500."""
    sid = transaction.savepoint()
    try:
        response = client.get(url) if method == "get" else client.post(url, data)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response, str(response.status_code)
    except Exception as exc:  # noqa: BLE001 - any error a view lets out is the 500 a user would get
        return None, f"500 ({type(exc).__name__}: {str(exc)[:160]})"
    finally:
        transaction.savepoint_rollback(sid)


def _redirect_problem(crawl: Crawl, url: str, response) -> tuple[str | None, str | None]:
    """(problem, target): why a redirect is wrong, and where it leads when it is fine."""
    location = response.get("Location", "")
    target = urlsplit(urljoin(f"http://{HOST}{url}", location))
    if target.netloc != HOST:
        return f"{response.status_code} off the site to {location}", None
    if target.path == crawl.login_path:
        return f"{response.status_code} to the login page", None
    return None, urlunsplit(("", "", target.path, target.query, ""))


def _form_data(form: Form, button: tuple[str, str] | None) -> list[tuple[str, str]]:
    pairs = list(form.fields)
    if button and button[0]:
        pairs.append(button)
    return pairs


def _post_forms(crawl: Crawl, client: Client, page: str, form: Form) -> None:
    action = crawl.internal(page, form.action) if form.action else page
    if action is None:
        return
    # A browser sends the clicked button's name: post once per named button.
    named = [b for b in form.buttons if b[0]] or [None]
    for button in named:
        pairs = _form_data(form, button)
        # The CSRF token is masked afresh on every page: the same form shown twice is posted once.
        key = (action, tuple(sorted(p for p in pairs if p[0] != "csrfmiddlewaretoken")))
        if key in crawl.posted_keys or crawl.requests >= MAX_REQUESTS:
            continue
        crawl.posted_keys.add(key)
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        what = f"POST form -> {action}" + (f" [{button[0]}={button[1]}]" if button else "")
        crawl.post_forms.append((page, action))
        crawl.requests += 1
        response, status = _request(client, "post", action, data)
        if response is None or response.status_code not in POST_OK:
            crawl.fail(page, what, status)
        elif response.status_code in (302, 303):
            problem, _target = _redirect_problem(crawl, action, response)
            if problem:
                crawl.fail(page, what, problem)


def _get_form_url(crawl: Crawl, page: str, form: Form) -> str | None:
    action = crawl.internal(page, form.action or page)
    if action is None:
        return None
    button = next((b for b in form.buttons if b[0]), None)
    query = urlencode(_form_data(form, button))
    return urlunsplit(("", "", urlsplit(action).path, query, ""))


def _enqueue(crawl: Crawl, queue: deque, target: str | None, shown_on: str, how: str) -> bool:
    mode = crawl.admit(target) if target is not None else None
    if mode is not None:
        queue.append((target, shown_on, how, mode))
    return mode is not None


def crawl_site(client: Client, role: str) -> Crawl:
    crawl = Crawl(role=role, login_path=reverse("login"))
    queue: deque[tuple[str, str, str, str]] = deque()
    _enqueue(crawl, queue, "/", "(start)", "link")
    while queue and crawl.requests < MAX_REQUESTS:
        url, shown_on, how, mode = queue.popleft()
        crawl.requests += 1
        (crawl.visited if mode == CRAWL else crawl.checked).append(url)
        response, status = _request(client, "get", url)
        what = f"{how} {url}"
        if response is None or response.status_code not in GET_OK:
            crawl.fail(shown_on, what, status)
            continue
        if response.status_code in (301, 302):
            problem, target = _redirect_problem(crawl, url, response)
            if problem:
                crawl.fail(shown_on, what, problem)
            elif mode == CRAWL:
                _enqueue(crawl, queue, target, url, "redirect to")
            continue
        if mode != CRAWL or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = PageParser()
        parser.feed(response.content.decode(response.charset or "utf-8"))
        for href in parser.links:
            _enqueue(crawl, queue, crawl.internal(url, href), url, "link")
        for form in parser.forms:
            if form.method == "post":
                _post_forms(crawl, client, url, form)
            elif _enqueue(crawl, queue, _get_form_url(crawl, url, form), url, "GET form"):
                crawl.get_forms.append((url, queue[-1][0]))
    crawl.truncated = bool(queue)
    return crawl


def _crawl_as(request, role: str) -> Crawl:
    request.getfixturevalue("city_records")
    client = Client(enforce_csrf_checks=False)
    client.force_login(request.getfixturevalue(role))
    return crawl_site(client, role.removesuffix("_user"))


def _report(failures) -> str:
    lines = [f"{len(failures)} action(s) shown to a user that do not answer:"]
    lines += [f"  [{role}] on {page}: {what} -> {status}" for role, page, what, status in failures]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_link_and_form_shown_answers(request, role):
    crawl = _crawl_as(request, role)
    if crawl.failures:
        pytest.fail(_report(crawl.failures), pytrace=False)


def test_the_crawl_covers_every_section_for_staff(request):
    crawl = _crawl_as(request, "staff_user")
    assert not crawl.truncated, f"the crawl stopped at {MAX_REQUESTS} requests"
    shapes = {shape(urlsplit(u).path) for u in crawl.visited}
    assert len(shapes) >= 50, sorted(shapes)
    missing = {
        "/organizations/",
        "/organizations/N/",
        "/organizations/party/N/",
        "/coverage/",
        "/coverage/areas/N/",
        "/coverage/warnings/N/",
        "/coverage/ledgers/N/",
        "/coverage/ledgers/import/N/",
        "/ratings/",
        "/ratings/N/",
        "/ratings/rounds/N/entry/",
        "/ratings/pairings/N/",
        "/engagement/",
        "/engagement/bases/N/",
        "/engagement/pilots/N/",
        "/engagement/plaques/N/",
        "/engagement/contributions/N/",
    } - shapes
    assert not missing, (sorted(missing), sorted(shapes))
    assert {"csv", "xlsx"} <= {dict(parse_qsl(urlsplit(u).query)).get("_export") for u in crawl.visited}
    assert len(crawl.get_forms) >= 10, crawl.get_forms
    posted = {shape(urlsplit(action).path) for _page, action in crawl.post_forms}
    missing = {
        "/coverage/recount/",
        "/coverage/ledgers/N/",
        "/coverage/warnings/N/rectify/",
        "/organizations/N/edit/",
        "/ratings/N/approve/",
        "/ratings/N/certify/",
        "/ratings/rounds/N/entry/",
        "/ratings/pairings/N/edit/",
        "/engagement/bases/N/edit/",
    } - posted
    assert not missing, (sorted(missing), sorted(posted))


def test_leadership_is_shown_no_form_that_writes(request):
    crawl = _crawl_as(request, "leader_user")
    assert not crawl.truncated, f"the crawl stopped at {MAX_REQUESTS} requests"
    assert len({shape(urlsplit(u).path) for u in crawl.visited}) >= 25
    assert crawl.post_forms == [], crawl.post_forms
