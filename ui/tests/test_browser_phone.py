"""Phone layout (issue 11), in Chromium at 390 x 844: for every role and every
page the role can reach, no page scrolls sideways (tables scroll inside their
own box, charts fit their card), and the top navigation folds into a menu
whose links and account are all visible once opened.

The pages are found, not listed: the dashboard, every argument-less page of
the apps' URLconfs (so a new list or leadership page is checked without
editing this file), then every page linked from those, one page per URL name
(and per layout-changing parameter, such as the overview's rows), as the
role's own links lead. A failure lists every offending page at once, with
the role, its width and the elements that stick out."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from brands.models import Brand
from conftest import log_in
from coverage.ledgers import services as ledgers
from coverage.ledgers.imports import services as imports
from coverage.recount import services as recount
from coverage.tests.ledgers.files import code, csv_bytes, row
from coverage.warnings.scan import warning_scan
from engagement.tests.factories import (
    CommunityFactory,
    ContributionFactory,
    PilotAssignmentFactory,
    PilotCommunityFactory,
    PlaqueAwardFactory,
    TrainingBaseFactory,
    TrainingSessionFactory,
)
from exports.models import ExportJob
from organizations.tests.factories import PartyOrganizationFactory, SocialOrganizationFactory
from ratings import services as ratings
from ratings.models import Evaluation
from ratings.tests.factories import make_evaluation, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROLES = ("beilin", "yanta", "lawyers", "staff", "leader")
NAMESPACES = (
    "organizations",
    "coverage",
    "political",
    "ratings",
    "engagement",
    "community",
    "brands",
    "exports",
    "dashboard",
)
# URL names that are not pages to read: pickers' and charts' JSON, polled
# statuses, downloads, a notice's link (it marks the notice read and redirects) and "read all" (POST only).
NOT_PAGES = re.compile(r"autocomplete|chart-|status|download|template|(^|:)open$|read-all")
# Links that leave the pages under test or start a download.
NOT_FOLLOWED = re.compile(r"^/(admin|i18n|logout|static|media)/|[?&](_export|format)=")
# Query parameters that change a page's layout rather than its rows: the overview's rows (each
# value its own page) and the change page's list of one kind (any kind: they share a layout).
LAYOUT_PARAMS = {"coverage:overview": ("by", True), "coverage:changes": ("kind", False)}
# Every role reaches at least these (the data below gives each role rows of each kind).
EVERY_ROLE = {
    "home",
    "coverage:overview",
    "coverage:changes",
    "coverage:warning-list",
    "coverage:warning-detail",
    "coverage:ledger-list",
    "organizations:organization-list",
    "organizations:organization-detail",
    "organizations:party-organization-list",
    "organizations:party-organization-detail",
    "ratings:evaluation-list",
    "ratings:evaluation-detail",
    "ratings:round-list",
    "ratings:round-summary",
    "engagement:index",
    "engagement:contribution-list",
    "engagement:contribution-detail",
    "exports:job-list",
    "exports:job-detail",
    "brands:brand-list",
    "brands:brand-detail",
    "political:list",
}
AREA_PAGES = {"coverage:area-detail", "coverage:overview by=unit", "coverage:changes kind"}
# The issue names these for leader and beilin: the league table, the period comparison, the briefing.
LEADERSHIP = {"dashboard:league", "dashboard:compare", "dashboard:briefing"}
ROLE_ALSO = {
    "yanta": AREA_PAGES,
    "leader": AREA_PAGES | LEADERSHIP,
    "beilin": AREA_PAGES
    | LEADERSHIP
    | {
        "coverage:ledger-import",
        "coverage:ledger-import-preview",
        "coverage:ledger-review",
        "organizations:organization-create",
        "organizations:organization-update",
        "political:update",
        "ratings:round-entry",
        "engagement:base-detail",
        "engagement:pilot-detail",
        "engagement:plaque-detail",
    },
    "staff": AREA_PAGES
    | {
        "organizations:organization-create",
        "ratings:round-entry",
        "ratings:round-movers",
        "ratings:pairing-detail",
        "ratings:pairing-create",
        "engagement:base-create",
    },
}

MEASURE = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const offenders = [];
  if (scrollWidth > width) {
    // The elements that stick out past the right edge while their parent does not:
    // where the page grows wider (inside a box that scrolls itself, nothing counts).
    const sticksOut = el => el.getBoundingClientRect().right > width + 0.5;
    const scrollsItself = el => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') { return true; }
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      if (offenders.length >= 5) { break; }
      if (!sticksOut(el) || scrollsItself(el)) { continue; }
      const parent = el.parentElement;
      if (parent && parent !== document.body && sticksOut(parent)) { continue; }
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        [...el.classList].map(c => '.' + c).join('');
      offenders.push(`${name} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
    }
  }
  return {width, scrollWidth, offenders};
}"""


@dataclass
class Visit:
    role: str
    key: str
    path: str
    status: int | None
    width: int = 0
    scroll_width: int = 0
    offenders: list[str] = field(default_factory=list)

    @property
    def too_wide(self) -> bool:
        return self.status == 200 and self.scroll_width > self.width


@pytest.fixture
def site(dataset, beilin, yanta, nanyuanmen, justice, beilin_user, yanta_user, lawyers_user, staff_user, leader_user):
    """The hand-built city with a row of every kind in every role's scope, and
    long unbroken strings (a long name, a long address) that must wrap."""
    d = dataset
    long_org = SocialOrganizationFactory(
        name="西安市碑林区南院门街道保吉巷社区居民委员会老年人体育协会太极拳分会（筹备组）",
        area=beilin,
        formal_party_members=3,
    )
    # Past its term on 2020-12-31, so the law-firm committee has a warning of its own.
    law_party = PartyOrganizationFactory(
        name="G 律师事务所党支部",
        area=yanta,
        supervising_unit=justice,
        organizations=[d.g],
        term_due_on=dt.date(2020, 6, 30),
    )
    fresh = PartyOrganizationFactory(name="长名党支部" * 6, area=beilin, organizations=[long_org])
    recount.recount_run(period="2020H1")
    recount.recount_run(period="2020H2")
    warning_scan(today=dt.date(2020, 12, 31))

    round_2019 = make_round(2019, closed=True, province_total=50)
    round_2020 = make_round(2020, province_total=59)
    make_evaluation(d.p_a, round_2019, state=Evaluation.State.APPROVED, total=72)
    make_evaluation(law_party, round_2019, state=Evaluation.State.APPROVED, total=75)
    approved = make_evaluation(d.p_a, round_2020, state=Evaluation.State.APPROVED, total=85)
    Evaluation.objects.filter(pk=approved.pk).update(
        evidence="https://dj.xa.gov.cn/archive/2020/evidence/" + "0123456789abcdef" * 6
    )
    make_evaluation(d.joint, round_2020, state=Evaluation.State.CERTIFIED, total=95)
    make_evaluation(law_party, round_2020, state=Evaluation.State.SUBMITTED, total=66)
    ratings.pairing_create(
        actor=staff_user, partner=d.p_a, party_organization=fresh, started_on=dt.date(2020, 6, 1), goals="规范三会一课"
    )

    base = TrainingBaseFactory(area=beilin, host_organization=d.a, is_provincial_point=True)
    TrainingSessionFactory(base=base)
    pilot = PilotCommunityFactory(community=CommunityFactory(parent=nanyuanmen, name="保吉巷社区"))
    PilotAssignmentFactory(organization=d.b, community=pilot)
    PlaqueAwardFactory(organization=d.a)
    ContributionFactory(organization=d.a, kind="poverty", money_yuan=Decimal("120000"), people_helped=40)
    ContributionFactory(organization=d.g, kind="epidemic", money_yuan=Decimal("30000"))
    ContributionFactory(organization=d.h, kind="epidemic", money_yuan=Decimal("500"))

    # A brand for each side (the law firm's reaches yanta and the lawyers), one with a long unbroken name.
    Brand.objects.create(
        party_organization=d.p_a,
        name="红色物业·幸福家园" * 5,
        description="党建引领物业服务。" * 20,
        year=2020,
        level="city",
    )
    Brand.objects.create(
        party_organization=law_party, name="律动先锋", description="公益法律服务。", year=2019, level="district"
    )

    period = recount.period_get(period="2020H2")
    # A checked upload with problems (its preview lists them) and a submitted ledger to review.
    bad = row(credit_code=code(), name="碑林区" + "新登记社会组织" * 8)
    bad[5] = "2020-02-30"
    imports.ledger_import_preview(
        actor=beilin_user, period=period, file_name="碑林区社会组织台账2020年下半年.csv", content=csv_bytes([bad])
    )
    ledgers.ledger_submit(actor=beilin_user, period=period, note="已按半年排查核对。")

    now = timezone.now()
    for user in (beilin_user, yanta_user, lawyers_user, staff_user, leader_user):
        query = "category=social_group&_export=xlsx"
        ExportJob.objects.create(
            user=user,
            path="/organizations/",
            query=query,
            key=ExportJob.key_for(export_format="xlsx", path="/organizations/", query=query),
            language="zh-hans",
            filename="social-organisations.xlsx",
            created_at=now,
            expires_at=now + dt.timedelta(hours=24),
        )
    return d


def argumentless_pages() -> list[str]:
    """Every argument-less page of NAMESPACES in the URLconf (as bench/pages.py finds them)."""
    paths = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in NAMESPACES and pattern.name:
                if NOT_PAGES.search(pattern.name) or pattern.pattern.regex.groups:
                    continue
                paths.append(reverse(f"{namespace}:{pattern.name}"))

    walk(get_resolver().url_patterns, None)
    return paths


def page_key(href: str) -> str | None:
    """One key per page kind: its URL name and any layout parameter; None for what is no page."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or NOT_FOLLOWED.search(href):
        return None
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    if NOT_PAGES.search(name):
        return None
    if name not in LAYOUT_PARAMS:
        return name
    param, each_value = LAYOUT_PARAMS[name]
    value = dict(parse_qsl(parts.query)).get(param)
    return name if not value else f"{name} {param}={value}" if each_value else f"{name} {param}"


def visit(page, role: str, key: str, path: str) -> Visit:
    for attempt in (1, 2):
        try:
            response = page.goto(path)
            break
        except PlaywrightError as error:
            # A download is no page; anything else (a navigation interrupted) is tried once more,
            # from a blank page so that an error page the browser drew cannot hold the tab.
            if "Download" in str(error) or attempt == 2:
                page.goto("about:blank")
                return Visit(role, key, path, None, offenders=[str(error).splitlines()[0]])
            page.goto("about:blank")
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return Visit(role, key, path, response.status if response else None)
    if urlsplit(page.url).path == reverse("login") and path != reverse("login"):
        return Visit(role, key, path, None, offenders=["sent to the login page"])
    if page.locator("canvas[data-chart-url]").count():
        # Charts are drawn after their JSON arrives; measure the page as it ends up.
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas[data-chart-url]')].every(c => c.dataset.drawn === 'true')",
            timeout=10_000,
        )
    measured = page.evaluate(MEASURE)
    return Visit(role, key, path, response.status, measured["width"], measured["scrollWidth"], measured["offenders"])


def crawl(page, role: str) -> list[Visit]:
    """Breadth first from the dashboard and the URLconf's pages, one visit per page kind
    (a kind whose first link is refused, as a create form is to a reader, is tried through
    up to three links)."""
    queue = ["/", *argumentless_pages()]
    seen: set[str] = set()
    tried: dict[str, int] = {}
    visited: set[str] = set()
    visits = []
    while queue:
        path = queue.pop(0)
        key = page_key(path)
        if key is None or key in seen or path in visited or tried.get(key, 0) >= 3:
            continue
        visited.add(path)
        tried[key] = tried.get(key, 0) + 1
        result = visit(page, role, key, path)
        visits.append(result)
        if result.status != 200:
            continue
        seen.add(key)
        # Links as the browser resolves them (many are relative: "?kind=..."), same origin only.
        hrefs = page.eval_on_selector_all(
            "a[href]",
            "links => links.filter(a => a.origin === location.origin && a.protocol.startsWith('http'))"
            ".map(a => a.pathname + a.search)",
        )
        # A layout parameter offered as a choice (the overview's rows) is a page too.
        param, each_value = LAYOUT_PARAMS.get(key.split(" ")[0], (None, False))
        if each_value:
            options = page.eval_on_selector_all(
                f"form[method=get] select[name={param}] option", "options => options.map(o => o.value)"
            )
            hrefs += [f"{urlsplit(path).path}?{param}={value}" for value in options if value]
        queue += [href for href in hrefs if href not in visited and page_key(href) not in seen]
    return visits


def check_menu(page) -> list[str]:
    """The menu button folds the links at 390 px, opens them by keyboard, and Escape folds them again."""
    problems = []
    toggle = page.locator(".topbar .nav-toggle")
    links = page.locator(".mainnav a")
    logout = page.locator(".account form[action='/logout/'] button")
    if not toggle.is_visible():
        return ["the menu button is not shown at 390 px"]
    if toggle.get_attribute("aria-expanded") != "false" or links.first.is_visible():
        problems.append("the menu is open before it is asked for")
    toggle.focus()
    page.keyboard.press("Enter")
    if toggle.get_attribute("aria-expanded") != "true":
        problems.append("Enter on the menu button does not open the menu")
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        if not links.nth(i).is_visible() or box is None or box["x"] + box["width"] > PHONE["width"]:
            problems.append(f"menu link {links.nth(i).inner_text()!r} is not visible within 390 px")
    if not logout.is_visible() or not page.locator(".account .who").is_visible():
        problems.append("the account (who, log out) is not reachable in the open menu")
    if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
        problems.append("the open menu makes the page wider than 390 px")
    page.keyboard.press("Escape")
    if toggle.get_attribute("aria-expanded") != "false" or links.first.is_visible():
        problems.append("Escape does not close the menu")
    if not page.evaluate("document.activeElement.classList.contains('nav-toggle')"):
        problems.append("Escape does not return focus to the menu button")
    return problems


def test_no_page_scrolls_sideways_on_a_phone_for_any_role(page, live_server, site):
    # On a desktop the bar is as before: links in the bar, no menu button.
    log_in(page, "leader")
    page.wait_for_selector(".topbar[data-menu]")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator(".mainnav a").first.is_visible()
    assert page.locator(".topbar .nav-toggle").is_hidden()
    page.context.clear_cookies()

    page.set_viewport_size(PHONE)
    visits = [visit(page, "(not logged in)", "login", "/login/")]
    menu_problems = []
    for role in ROLES:
        page.context.clear_cookies()
        log_in(page, role)
        # log_in's wait also matches the login page's own address: wait for the signed-in bar.
        page.wait_for_selector(".topbar[data-menu]")
        menu_problems += [f"{role}: {problem}" for problem in check_menu(page)]
        role_visits = crawl(page, role)
        visits += role_visits
        reached = {v.key for v in role_visits if v.status == 200} | {v.key.split(" ")[0] for v in role_visits}
        missing = (EVERY_ROLE | ROLE_ALSO.get(role, set())) - reached
        refused = [f"{v.status} {v.path} {' '.join(v.offenders)}" for v in role_visits if v.status != 200]
        assert not missing, (
            f"{role} did not reach {sorted(missing)}: a link is gone or the data lacks a row; "
            f"{len(role_visits)} visits, not shown: {refused}"
        )

    for role in ROLES:  # shown with -s: what was checked
        checked = sorted(v.key for v in visits if v.role == role and v.status == 200)
        print(f"{role}: {len(checked)} pages at 390 px: {', '.join(checked)}")
    too_wide = [
        f"{v.role:>8}  {v.scroll_width} px > {v.width} px  {v.path}  [{v.key}]  " + "; ".join(v.offenders)
        for v in visits
        if v.too_wide
    ]
    broken = [f"{v.role:>8}  status {v.status}  {v.path}" for v in visits if v.status and v.status >= 500]
    assert not (too_wide or broken or menu_problems), "\n".join(
        ["Pages wider than the phone's 390 px:", *too_wide, *broken, *menu_problems]
    )
    assert len({v.key for v in visits if v.status == 200}) >= 40  # the crawl really went round

    # Without JavaScript the menu button stays hidden and the menu stays open: every link reachable.
    context = page.context.browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, viewport=PHONE
    )
    try:
        bare = context.new_page()
        log_in(bare, "beilin")
        bare.wait_for_selector(".topbar[data-menu]", state="attached")
        assert bare.locator(".topbar .nav-toggle").is_hidden()
        assert all(bare.locator(".mainnav a").nth(i).is_visible() for i in range(bare.locator(".mainnav a").count()))
        assert bare.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
