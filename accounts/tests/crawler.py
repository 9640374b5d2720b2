"""A browser-like walk of the site for the action-link tests.

From "/" the crawl follows every internal ``<a href>``, submits every GET form
with its current values and posts every POST form with its own values (once
per named submit button), each request inside a savepoint that is rolled
back, and records each link or form that does not answer: a status outside
GET_OK/POST_OK, an exception (read as a 500), or a redirect off the site or
to the login page. Pages are read in HTML by `PageParser`; `Crawl.admit`
bounds the walk by path shape and query keys so it ends on any data set.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.db import transaction
from django.test import Client
from django.urls import reverse

HOST = "testserver"
# Pages read per path shape (digit runs read as N); six reach an evaluation in every state.
PER_SHAPE = 6
# Staff read about 620 pages once 四社联动 and the brands joined (601 before the brands).
MAX_REQUESTS = 800
# /password/ is one's own password change, linked for every role (leadership too) and
# tested in accounts/tests/test_passwords.py: not a write to the records the crawl checks.
# /notices/ likewise: one's own inbox, read marks and mutes (notices/tests/).
SKIP_PREFIXES = ("/logout/", "/i18n/", "/admin/", "/static/", "/media/", "/password/", "/notices/")
SKIP_SCHEMES = ("mailto:", "javascript:", "tel:", "data:")
GET_OK = {200, 301, 302}
POST_OK = {200, 302, 303}
# What the crawl does with a URL: read its page for more, or only request it.
CRAWL, CHECK = "crawl", "check"


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


def report(failures) -> str:
    """The failures, one line each: who, on which page, what was followed, and the answer."""
    lines = [f"{len(failures)} action(s) shown to a user that do not answer:"]
    lines += [f"  [{role}] on {page}: {what} -> {status}" for role, page, what, status in failures]
    return "\n".join(lines)
