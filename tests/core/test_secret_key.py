"""The generated secret key: private from its first byte, and one key however many start at once."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from banpum.settings import secret_key_from_file


def test_the_key_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"

    key = secret_key_from_file(path)

    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "no temporary file left"


def test_an_existing_key_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    first = secret_key_from_file(path)

    assert secret_key_from_file(path) == first


def race(path: Path, racers: int) -> tuple[list[str], list[BaseException]]:
    """Start ``racers`` threads at the same instant, each reading or creating the key."""
    start = threading.Barrier(racers)
    keys: list[str] = []
    errors: list[BaseException] = []

    def racer() -> None:
        start.wait()
        try:
            keys.append(secret_key_from_file(path))
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=racer) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys, errors


def test_processes_starting_together_all_get_the_same_complete_key(tmp_path: Path) -> None:
    """Each racer either creates the file or reads the winner's key, never an empty file."""
    for attempt in range(20):
        path = tmp_path / f"secret_key_{attempt}"

        keys, errors = race(path, 8)

        assert errors == []
        assert len(keys) == 8
        assert len(set(keys)) == 1
        assert keys[0] == path.read_text()
    assert {p.name for p in tmp_path.iterdir()} == {f"secret_key_{i}" for i in range(20)}


def test_an_empty_key_file_is_refused_with_a_way_out(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("")

    with pytest.raises(ImproperlyConfigured, match="delete it"):
        secret_key_from_file(path)
