"""Korean first, checked: every string of the code is translated in the ko catalogue.

1. Re-extract the strings from a copy of the sources (Django's makemessages, merged into a copy
   of the committed catalogue), so a string added to the code but never extracted counts as
   untranslated, and a string whose source changed counts as fuzzy.
2. Fail on any untranslated or fuzzy entry (msgfmt --statistics).
3. Fail when the committed django.mo is not what the committed django.po compiles to.

Needs GNU gettext (xgettext, msgmerge, msgfmt), which .ci/system-packages.sh installs.
Run from the repository root: python .ci/check-catalogue.py
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = Path("src/banpum")
CATALOGUE = Path("locale/ko/LC_MESSAGES")


def statistics(po: Path) -> dict[str, int]:
    """msgfmt's counts: translated, fuzzy, untranslated."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"msgfmt refuses {po}:\n{result.stderr}")
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr):
        counts[kind] = int(number)
    return counts


def entries(po: Path, flag: str) -> list[str]:
    """The msgids msgattrib selects (--untranslated or --only-fuzzy), for the error message."""
    result = subprocess.run(
        ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [m for m in re.findall(r'^msgid "(.*)"$', result.stdout, re.MULTILINE) if m]


def compiled(mo: Path) -> dict[object, str]:
    with mo.open("rb") as file:
        return dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "banpum"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "--locale", "ko", "--verbosity", "0"],
            cwd=copy,
            check=True,
        )
        po = copy / CATALOGUE / "django.po"
        counts = statistics(po)
        print(
            f"ko catalogue: {counts['translated']} translated, {counts['fuzzy']} fuzzy, "
            f"{counts['untranslated']} untranslated"
        )
        if counts["untranslated"]:
            problems.append("untranslated:\n  " + "\n  ".join(entries(po, "--untranslated")))
        if counts["fuzzy"]:
            problems.append("fuzzy:\n  " + "\n  ".join(entries(po, "--only-fuzzy")))

        fresh = Path(scratch) / "django.mo"
        committed_po = PACKAGE / CATALOGUE / "django.po"
        subprocess.run(["msgfmt", "-o", str(fresh), str(committed_po)], check=True)
        if compiled(fresh) != compiled(PACKAGE / CATALOGUE / "django.mo"):
            problems.append(f"{PACKAGE / CATALOGUE / 'django.mo'} is not compiled from its .po")
    if problems:
        print(
            "The ko catalogue is incomplete. Run `banpum makemessages -l ko` in src/banpum, "
            "translate, then `banpum compilemessages`.\n" + "\n".join(problems),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
