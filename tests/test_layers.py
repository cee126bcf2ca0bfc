"""The import contracts of pyproject.toml (docs/ARCHITECTURE.md, "Layer rules") hold, and they
bite: a copy of the sources with one forbidden import, hidden in a function body, breaks the
contract that names the rule. ``make lint`` runs the same ``lint-imports``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "banpum"


def lint_imports(src: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter is a dev dependency: pip install -e '.[dev]'"
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(
        [command, str(ROOT / "pyproject.toml"), "--no-cache", *selected],
        cwd=src,
        env={**os.environ, "PYTHONPATH": str(src), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_contract_is_kept() -> None:
    result = lint_imports(SOURCES.parent)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


SNEAKY = "\n\ndef _sneaky() -> object:\n    from {module} import {name}\n\n    return {name}\n"


@pytest.mark.parametrize(
    ("path", "module", "name", "contracts"),
    [
        ("policy/rules.py", "django.utils", "timezone", ["pure-policy"]),
        ("policy/types.py", "banpum.policy.models", "ReturnPolicy", ["pure-policy"]),
        ("core/errors.py", "banpum.accounts.models", "ApiKey", ["core", "layers"]),
        ("integrations/http.py", "banpum.logistics.models", "CarrierAccount", ["integrations"]),
        ("commerce/services.py", "banpum.returns.models", "ReturnLine", ["layers", "acyclic"]),
        ("returns/services.py", "banpum.logistics.models", "Pickup", ["layers", "acyclic"]),
        ("logistics/tasks.py", "banpum.server.runtime", "worker_start", ["layers"]),
        ("portal/texts.py", "banpum.office.formatting", "money", ["layers"]),
        ("demo/seed.py", "banpum.portal.views.status", "return_of", ["layers"]),
        # Settlement pays; it never reaches up into the webhooks that tell merchants about it.
        ("settlement/tasks.py", "banpum.webhooks.models", "WebhookDelivery", ["layers"]),
        ("webhooks/api.py", "banpum.office.access", "needs", ["layers"]),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, path: str, module: str, name: str, contracts: list[str]
) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SOURCES, copy / "banpum", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "banpum" / path
    target.write_text(
        target.read_text(encoding="utf-8") + SNEAKY.format(module=module, name=name),
        encoding="utf-8",
    )

    for contract in contracts:
        result = lint_imports(copy, contract)
        assert result.returncode == 1, f"{contract} kept:\n{result.stdout}{result.stderr}"
        assert "BROKEN" in result.stdout


def test_the_architecture_document_shows_the_layers_ci_checks() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [
        contract["layers"]
        for contract in contracts["tool"]["importlinter"]["contracts"]
        if contract["id"] == "layers"
    ]
    document = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"```\n\s*(composition .*?)```", document, re.DOTALL)
    assert block is not None
    shown = [
        re.sub(r"\s*\(.*\)$", "", line.strip()).removeprefix("composition").strip()
        for line in block.group(1).splitlines()
        if line.strip()
    ]

    def names(layer: str) -> list[str]:
        return [name.removeprefix("banpum.") for name in re.split(r"\s*[:|,]\s*", layer)]

    assert [names(line) for line in shown] == [names(layer) for layer in layers]
