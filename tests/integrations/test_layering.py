"""``integrations`` hold adapters and simulators and import no domain app, not even in a
function body: the gateway factory that reads a ``CarrierAccount`` lives in logistics."""

from __future__ import annotations

import ast
from pathlib import Path

import banpum.integrations

ROOT = Path(banpum.integrations.__file__).parent
ALLOWED = ("banpum.integrations", "banpum.core")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_integrations_import_only_themselves_and_core_from_banpum() -> None:
    offending = [
        f"{path.relative_to(ROOT.parent)}:{line} imports {module}"
        for path in sorted(ROOT.rglob("*.py"))
        for line, module in _imports(path)
        if module.split(".")[0] == "banpum"
        and not any(module == ok or module.startswith(ok + ".") for ok in ALLOWED)
    ]

    assert offending == []
