"""The GET pages a user can open without naming a record, read from the
URLconf (as bench/pages.py does), for tests that look at every page."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

NAMESPACES = ("organizations", "coverage", "political", "ratings", "engagement", "community", "brands", "dashboard")
# JSON endpoints, exports and POST-only actions: not pages a person reads.
NOT_PAGES = re.compile(r"(autocomplete|export|transition|status|json|chart|recount$|-data$)")


def argumentless_pages() -> list[str]:
    """Every argument-less named URL of NAMESPACES, in URLconf order."""
    paths: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in NAMESPACES and pattern.name:
                if NOT_PAGES.search(pattern.name) or pattern.pattern.converters:
                    continue
                if getattr(pattern.pattern, "regex", None) is not None and pattern.pattern.regex.groups:
                    continue
                paths.append(reverse(f"{namespace}:{pattern.name}"))

    walk(get_resolver().url_patterns, None)
    return list(dict.fromkeys(paths))
