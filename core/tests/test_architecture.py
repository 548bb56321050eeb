"""The shape of the project: no import cycles, and the plumbing imports no domain app."""

from __future__ import annotations

import ast
import configparser
from pathlib import Path

from core.tests.project import PROJECT_APPS, ROOT

PROJECT_PACKAGES = set(PROJECT_APPS)
PLUMBING = {"core", "notifications"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _production_modules() -> dict[str, Path]:
    modules = {}
    for package in PROJECT_PACKAGES | {"ine_redes"}:
        for path in (ROOT / package).rglob("*.py"):
            if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                continue
            modules[_module_name(path)] = path
    return modules


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Project modules this module imports, at the top or inside a function alike."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            # The longest known module the target names (``from . import views`` → pkg.views).
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _production_modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_is_read_from_the_code():
    graph = _graph()
    assert "notifications.tasks" in graph["notifications.services"]
    assert "core.panels" in graph["accounts.apps"]


def test_there_is_no_import_cycle_between_project_modules():
    assert _cycle(_graph()) is None, " → ".join(_cycle(_graph()) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_core_and_notifications_import_no_domain_app():
    offenders = {
        (module, target)
        for module, targets in _graph().items()
        if module.split(".")[0] in PLUMBING
        for target in targets
        if target.split(".")[0] in PROJECT_PACKAGES - PLUMBING
    }
    assert offenders == set()


def test_core_imports_nothing_else_of_the_project():
    offenders = {
        (module, target)
        for module, targets in _graph().items()
        if module.split(".")[0] == "core"
        for target in targets
        if target.split(".")[0] != "core"
    }
    assert offenders == set()


def test_the_project_apps_are_known():
    assert {"core", "notifications", "accounts", "registry", "api", "contentrules"} <= PROJECT_PACKAGES


def test_every_app_s_tests_run_with_make_test():
    """pytest collects only ``testpaths``: an app missing there would have its tests never run."""
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    testpaths = set(ini["pytest"]["testpaths"].split())
    missing = sorted(app for app in PROJECT_PACKAGES if (ROOT / app / "tests").is_dir() and app not in testpaths)
    assert not missing, f"pytest.ini testpaths lacks {missing}"
