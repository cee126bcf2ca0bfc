"""The documents say what the code and CI do."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_production_environment_in_the_readme_is_the_one_ci_checks() -> None:
    section = README.split("## Production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    documented = [line for line in block.group(1).splitlines() if line.strip()]
    checked = [
        line
        for line in (ROOT / ".ci/production.env").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert documented == checked


def test_the_readme_links_only_documents_of_the_repository() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)

    assert "docs/ARCHITECTURE.md" in links
    for link in links:
        if not link.startswith(("http://", "https://")):
            assert (ROOT / link).exists(), link
    assert "../shared" not in README
