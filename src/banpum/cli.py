"""The ``banpum`` command: Django's management commands under friendlier names.

``banpum serve``, ``banpum demo``, ``banpum import-orders FILE``, ``banpum create-api-key STORE``,
``banpum migrate`` and any other Django command (``banpum createsuperuser``, ``banpum shell``).
Hyphens in the command name map to underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banpum.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "banpum"

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
