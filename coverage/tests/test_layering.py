"""No import circles anywhere, and coverage's three parts depend one way.

The import graph is read from the source: every `import` and `from … import`,
those inside functions included (a circle that closes only at call time, as
coverage/services.py -> tasks.py -> early_warning.py -> tasks.py once did, is
still a circle), and importing a.b.c counts as importing a and a.b too.
Imports under `if TYPE_CHECKING:` never run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "organizations",
    "coverage",
    "ratings",
    "engagement",
    "dashboard",
    "notices",
    "ui",
    "audit",
    "xian_partybuild",
)
PARTS = ("coverage.recount", "coverage.ledgers", "coverage.warnings")
# The app's composition modules: they import the parts, never the other way round.
COMPOSITION = ("coverage.tasks", "coverage.urls", "coverage.demo", "coverage.apps")


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path, apps: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for app in apps:
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(root, path)] = path
    return found


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imported_names(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                for statement in child.orelse:
                    visit_statement(statement)
                continue
            visit_statement(child)

    def visit_statement(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            for alias in node.names:
                # `from pkg import mod` imports the module pkg.mod; `from mod import name` the module mod.
                names.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module)
        else:
            visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return names


def import_graph(root: Path = ROOT, apps: tuple[str, ...] = APPS) -> dict[str, set[str]]:
    """module -> the project modules it imports (and their parent packages)."""
    known = _modules(root, apps)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for imported in _imported_names(name, path, known):
            parts = imported.split(".")
            for length in range(1, len(parts) + 1):
                target = ".".join(parts[:length])
                if target in known and target != name and not name.startswith(f"{target}."):
                    targets.add(target)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, …, a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := walk(target)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


GRAPH = import_graph()


def test_the_project_has_no_import_circles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, " -> ".join(cycle)


def test_recount_imports_neither_ledgers_nor_warnings():
    wrong = {
        (module, target)
        for module, targets in GRAPH.items()
        if _within(module, "coverage.recount")
        for target in targets
        if _within(target, "coverage.ledgers") or _within(target, "coverage.warnings")
    }
    assert not wrong


def test_ledgers_and_warnings_do_not_import_each_other():
    wrong = {
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if (_within(module, "coverage.ledgers") and _within(target, "coverage.warnings"))
        or (_within(module, "coverage.warnings") and _within(target, "coverage.ledgers"))
    }
    assert not wrong


def test_no_part_imports_the_apps_composition_modules():
    wrong = {
        (module, target)
        for module, targets in GRAPH.items()
        if any(_within(module, part) for part in PARTS)
        for target in targets
        if target in COMPOSITION
    }
    assert not wrong


def test_only_the_app_config_and_tests_import_a_tasks_module():
    importers = {
        module
        for module, targets in GRAPH.items()
        if any(target.rpartition(".")[2] == "tasks" for target in targets) and ".tests." not in f"{module}."
    }
    # Each app's config registers its own tasks (so services can queue them
    # by name); nothing else imports a tasks module.
    assert importers
    assert all(module.endswith(".apps") for module in importers), importers
    assert "coverage.apps" in importers


def test_the_check_finds_a_circle_closed_inside_a_function(tmp_path):
    """The shape of the circle coverage/ once had: services imports tasks
    inside a function, tasks imports early_warning, which imports tasks
    inside a function."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text("def enqueue():\n    from .tasks import recount\n")
    (package / "tasks.py").write_text("from . import early_warning, services\n")
    (package / "early_warning.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .services import enqueue\n"
        "def after():\n    from .tasks import scan\n"
    )
    graph = import_graph(tmp_path, ("app",))
    assert find_cycle(graph) == ["app.early_warning", "app.tasks", "app.early_warning"]
    assert "app.services" not in graph["app.early_warning"]  # TYPE_CHECKING imports never run
