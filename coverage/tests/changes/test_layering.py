"""coverage.changes builds on coverage.recount and organizations; within
coverage only the URLconf includes it (and the app config connects its
receiver of the recount's signal), and outside it only the dashboard may
read its selectors (for the Δ beside each figure)."""

from coverage.tests.test_layering import GRAPH

PART = "coverage.changes"


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def test_only_the_urlconf_and_the_dashboard_import_changes():
    importers = {
        (module, target)
        for module, targets in GRAPH.items()
        if not _within(module, PART) and ".tests." not in f"{module}."
        for target in targets
        if _within(target, PART)
    }
    # The app config connects the recount's signal to the counts stored with the snapshots.
    allowed = {
        ("coverage.urls", PART),
        ("coverage.urls", f"{PART}.urls"),
        ("coverage.apps", PART),
        ("coverage.apps", f"{PART}.summaries"),
    }
    wrong = {
        (module, target)
        for module, target in importers - allowed
        if not (_within(module, "dashboard") and target in (PART, f"{PART}.selectors"))
    }
    assert not wrong


def test_changes_imports_neither_ledgers_nor_warnings_nor_the_composition_modules():
    forbidden = ("coverage.ledgers", "coverage.warnings", "coverage.tasks", "coverage.demo", "coverage.urls")
    wrong = {
        (module, target)
        for module, targets in GRAPH.items()
        if _within(module, PART)
        for target in targets
        if any(_within(target, name) for name in forbidden)
    }
    assert not wrong


def test_changes_is_in_the_graph():
    # coverage.urls includes it by dotted name, which is no import.
    assert {f"{PART}.selectors", f"{PART}.views", f"{PART}.urls"} <= set(GRAPH)
