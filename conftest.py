"""Shared fixtures: a small, hand-built city with two districts, an industry
and one user of each kind, so that scope and figures can be asserted exactly."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from playwright.sync_api import sync_playwright

from accounts.models import User
from accounts.tests.factories import UserFactory
from coverage.recount import services
from organizations.models import Area, PartyOrganization, SocialOrganization, SupervisingUnit
from organizations.tests.factories import (
    AreaFactory,
    CityFactory,
    InstructorAssignmentFactory,
    PartyOrganizationFactory,
    SocialOrganizationFactory,
    SupervisingUnitFactory,
)
from xian_partybuild.celery import app


def demo_seeded_once(*options: str):
    """A module-scoped fixture: the demo city seeded once for a module's tests
    (`seed_demo` with `options`; the fixture's value is its output). As
    Django's TestCase.setUpTestData: the seed runs in a transaction held open
    for the module, each test's own transaction nests in it as a savepoint
    (what a test writes is undone after it), and the seed is rolled back after
    the module's last test. One seed a module instead of one a test: five to
    ten seconds a test. Every test of such a module sees the demo, whether
    it asks for the fixture or not (it is alive from the first that does);
    none may be a transactional test (its flush would meet the held seed)."""

    @pytest.fixture(scope="module")
    def seeded(django_db_setup, django_db_blocker):  # noqa: ARG001 (the test database must exist first)
        held = transaction.atomic()
        with django_db_blocker.unblock():
            held.__enter__()
        try:
            with django_db_blocker.unblock():
                out = io.StringIO()
                call_command("seed_demo", *options, stdout=out)
                # The seed's deferred foreign-key checks, once: left pending, each
                # test's teardown would check them again inside its savepoint.
                connection.check_constraints()
            yield out.getvalue()
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                held.__exit__(None, None, None)

    return seeded


@pytest.fixture
def city(db) -> Area:
    return CityFactory()


@pytest.fixture
def beilin(city) -> Area:
    return AreaFactory(code="610103", name="碑林区", parent=city, division_code="610103", level=Area.Level.DISTRICT)


@pytest.fixture
def yanta(city) -> Area:
    return AreaFactory(code="610113", name="雁塔区", parent=city, division_code="610113", level=Area.Level.DISTRICT)


@pytest.fixture
def nanyuanmen(beilin) -> Area:
    return AreaFactory(
        code="610103-01", name="南院门街道", parent=beilin, division_code="", level=Area.Level.SUBDISTRICT
    )


@pytest.fixture
def justice(db) -> SupervisingUnit:
    return SupervisingUnitFactory(
        name="西安市司法局", has_industry_committee=True, industry_committee_name="西安市律师行业党委"
    )


@pytest.fixture
def culture(db) -> SupervisingUnit:
    return SupervisingUnitFactory(name="西安市文化和旅游局")


@pytest.fixture
def beilin_user(beilin) -> User:
    return UserFactory(username="beilin", role=User.Role.DISTRICT, area=beilin)


@pytest.fixture
def yanta_user(yanta) -> User:
    return UserFactory(username="yanta", role=User.Role.DISTRICT, area=yanta)


@pytest.fixture
def lawyers_user(justice) -> User:
    return UserFactory(username="lawyers", role=User.Role.INDUSTRY, supervising_unit=justice)


@pytest.fixture
def staff_user(db) -> User:
    return UserFactory(username="staff", role=User.Role.STAFF)


@pytest.fixture
def leader_user(db) -> User:
    return UserFactory(username="leader", role=User.Role.LEADER)


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user: User):
        client.force_login(user)
        return client

    return _login


# A hand-built dataset whose coverage figures are worked out by hand.
@pytest.fixture
def dataset(beilin, yanta, justice, culture):
    org = SocialOrganizationFactory
    a = org(name="A 协会", area=beilin, formal_party_members=5, supervising_unit=culture)
    b = org(name="B 协会", area=beilin, formal_party_members=1, supervising_unit=culture)
    c = org(name="C 服务中心", area=beilin, formal_party_members=4, category=SocialOrganization.Category.SOCIAL_SERVICE)
    d = org(name="D 基金会", area=beilin, formal_party_members=0, category=SocialOrganization.Category.FOUNDATION)
    e = org(name="E 协会", area=beilin, formal_party_members=0)
    f = org(name="F 协会", area=beilin, formal_party_members=2)
    g = org(
        name="G 律师事务所",
        area=yanta,
        formal_party_members=3,
        supervising_unit=justice,
        category=SocialOrganization.Category.LAW_FIRM,
    )
    h = org(
        name="H 协会（已注销）",
        area=beilin,
        formal_party_members=5,
        status=SocialOrganization.Status.DEREGISTERED,
        deregistered_on=dt.date(2020, 3, 1),
    )
    party = PartyOrganizationFactory
    p_a = party(name="A 协会党支部", area=beilin, organizations=[a])
    joint = party(
        name="B、C 联合党支部", area=beilin, formation=PartyOrganization.Formation.JOINT, organizations=[b, c]
    )
    p_f = party(
        name="F 协会党支部（已撤销）",
        area=beilin,
        organizations=[f],
        status=PartyOrganization.Status.DISSOLVED,
        dissolved_on=dt.date(2020, 1, 1),
    )
    p_h = party(name="H 协会党支部", area=beilin, organizations=[h])
    InstructorAssignmentFactory(organization=d, started_on=dt.date(2020, 1, 1))
    InstructorAssignmentFactory(organization=e, started_on=dt.date(2019, 1, 1), ended_on=dt.date(2020, 6, 30))
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h, p_a=p_a, joint=joint, p_f=p_f, p_h=p_h)


@pytest.fixture
def recounted(dataset):
    """The dataset with 2020H1 and 2020H2 recounted into snapshots."""
    services.recount_run(period="2020H1")
    services.recount_run(period="2020H2")
    return dataset


@contextlib.contextmanager
def publishing_to(url: str):
    """This process's Celery app publishing to `url`, not eager; yields a callable
    that drops the app's connection pools (called before and after, and by a test
    whose broker comes and goes, so the next publish connects afresh)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    # Celery reads the environment's CELERY_BROKER_URL before its own setting.
    environ = os.environ.get("CELERY_BROKER_URL")

    def drop_pools():
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    drop_pools()
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield drop_pools
    finally:
        if environ is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = environ
        app.conf.update(saved)
        drop_pools()


@pytest.fixture
def broker_down():
    """Celery pointed at a broker that refuses connections (a closed port on
    this machine): what a press of a job button meets when Redis or RabbitMQ is down."""
    with publishing_to("redis://127.0.0.1:1/0"):
        yield app


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server, monkeypatch):
    """A Playwright page in Debian's Chromium, pointed at the live server.

    Without Chromium the browser tests are skipped, except where
    REQUIRE_BROWSER=1 (as in .ci/run), where a missing browser is a failure.
    """
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)

    # Playwright's sync API runs an event loop in the test thread; Django
    # refuses ORM calls from such a thread unless told it is deliberate.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Every page of every browser test is also a check of the Content-Security-Policy:
        # Chromium reports each refused script, handler or style on the console.
        violations = []
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        yield page
        if os.environ.get("BROWSER_SCREENSHOTS"):
            page.screenshot(path=os.path.join(os.environ["BROWSER_SCREENSHOTS"], "last.png"), full_page=True)
        context.close()
        browser.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def log_in(page, username: str, password: str = "pw-test-123") -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    # "**/" alone also matches /login/ itself, so the caller could go on before the sign-in lands.
    page.wait_for_url(lambda url: urlsplit(url).path != "/login/")


# Every test's rows are rolled back, and rolled-back rows are dead rows that
# only VACUUM reclaims. On a server with autovacuum off (CI's machine turns
# it off) the suite's hundreds of demo cities pile up: half-way through the
# run every scan of the organisations read 240 MB of them, and the
# PostgreSQL suite headed for two hours. Autovacuum is no cure either: its
# ANALYZE, run while a test's rows are uncommitted, records the tables as
# empty but large, and the next demo seed's plans nest loops for minutes.
# A VACUUM between tests, when no transaction holds a lock, reclaims the
# rows and truncates the emptied tables, so the planner sizes them afresh.
VACUUM_EVERY = 25
_tests_since_vacuum = 0


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_protocol(item, nextitem):  # noqa: ARG001 (pytest's hook signature)
    global _tests_since_vacuum  # noqa: PLW0603 (a counter across hook calls)
    yield
    _tests_since_vacuum += 1
    if _tests_since_vacuum < VACUUM_EVERY:
        return
    from pytest_django.plugin import blocking_manager_key  # noqa: PLC0415

    # Only on PostgreSQL, outside any transaction, and on the test database
    # (before the first database test the connection may still name another).
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    if not str(connection.settings_dict["NAME"]).startswith("test_"):
        return
    with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
        cursor.execute("VACUUM")
    _tests_since_vacuum = 0  # counted from the last VACUUM run, not the last one skipped
