"""Layers that hold, read off the source: returns never import logistics (not even inside a
function), logistics services never import the tasks that call them, and services read no clock
of their own (they take ``now``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).parents[3] / "src" / "banpum"
LOGISTICS = SRC / "logistics"


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module a file imports, at any depth (function bodies included)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def _files(*roots: Path) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in ([root] if root.is_file() else root.rglob("*.py"))
        if "migrations" not in path.parts
    )


def test_returns_import_nothing_of_logistics() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line} {name}"
        for path in _files(SRC / "returns")
        for line, name in _imports(path)
        if name.startswith("banpum.logistics")
    ]
    assert found == []


def test_services_do_not_import_the_tasks_that_call_them() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line} {name}"
        for path in _files(LOGISTICS / "services", LOGISTICS / "transitions.py")
        for line, name in _imports(path)
        if name.startswith("banpum.logistics.tasks")
    ]
    assert found == []


def test_pickups_do_not_import_tracking() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line} {name}"
        for path in _files(LOGISTICS / "services" / "pickups")
        for line, name in _imports(path)
        if name.startswith("banpum.logistics.services.tracking")
    ]
    assert found == []


CLOCKS = {("timezone", "now"), ("timezone", "localdate"), ("datetime", "now"), ("dt", "now")}


def test_services_take_the_clock_instead_of_reading_it() -> None:
    found = []
    for path in _files(
        LOGISTICS / "services",
        LOGISTICS / "transitions.py",
        LOGISTICS / "selectors.py",
        LOGISTICS / "progress.py",
        LOGISTICS / "selection.py",
    ):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in CLOCKS
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []
