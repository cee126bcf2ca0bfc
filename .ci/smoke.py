"""Smoke test: the README's "Using the API" examples, run as written against `banpum serve`.

Starts `banpum serve` on free loopback ports with a fresh var directory and the demo data, then
runs every curl command of the README's example block, in order, with the placeholders
(`<number>`, `<DM-2611-7K3Q9X>`, …) replaced by real order and return numbers found at run time,
and checks each answer's HTTP status and shape. The README and this script must agree: a
command added to or changed in the README fails here until CHECKS below knows how to check it.

Exits non-zero on any failure; bounded in time (DEADLINE_SECONDS). Needs curl.
Run from the repository root: python .ci/smoke.py
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

README = Path("README.md")
SECTION = "## Using the API"
DEADLINE_SECONDS = 300
BANPUM = [sys.executable, "-m", "banpum.cli"]

deadline = time.monotonic() + DEADLINE_SECONDS


class SmokeFailure(Exception):
    pass


def remaining() -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise SmokeFailure(f"over the {DEADLINE_SECONDS} s budget")
    return left


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the README ------------------------------------------------------------------------------


def readme_commands() -> tuple[dict[str, str], list[list[str]]]:
    """The variables (KEY=, API=) and the curl commands of the section's first sh block."""
    text = README.read_text(encoding="utf-8")
    expect(SECTION in text, f"README.md has no {SECTION!r} section")
    section = text.split(SECTION, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    if block is None:
        raise SmokeFailure(f"no ```sh block under {SECTION!r}")
    variables: dict[str, str] = {}
    commands: list[list[str]] = []
    for line in block.group(1).replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if len(words) == 1 and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, value = words[0].split("=", 1)
            variables[name] = value
        elif words[0] == "curl":
            commands.append(words)
        else:
            raise SmokeFailure(f"README example this script does not know: {line}")
    return variables, commands


def method_and_path(words: list[str]) -> tuple[str, str]:
    url = next(word for word in words if word.startswith("$API"))
    return ("POST" if "-d" in words else "GET"), url.removeprefix("$API")


def expect_the_checks_match(commands: list[list[str]]) -> None:
    readme = [method_and_path(words) for words in commands]
    known = [(method, path) for method, path, *_ in CHECKS]
    expect(
        readme == known,
        f"README's examples and .ci/smoke.py's CHECKS differ: update CHECKS\n"
        f"  README: {readme}\n  CHECKS: {known}",
    )


# -- the checks, one per README command, in the README's order ----------------------------------

Answer = Any
State = dict[str, Any]


def check_orders_search(answer: Answer, state: State) -> None:
    numbers = [order["order_number"] for order in answer["results"]]
    expect(state["order_number"] in numbers, f"order {state['order_number']} not found: {numbers}")
    expect({"next", "previous"} <= set(answer), "no cursor links")


def check_preview(answer: Answer, state: State) -> None:
    expect(isinstance(answer["eligible"], bool), "eligible is not a boolean")
    expect(len(answer["lines"]) == 1, "not one line")
    expect(isinstance(answer["fee"]["amount"], int), "fee amount is not an integer")
    expect(isinstance(answer["refund"]["total"], int), "refund total is not an integer")
    expect(answer["deadlines"]["law"] == "KR", "no Korean legal deadlines")


def check_created(answer: Answer, state: State) -> None:
    expect(answer["status"] == "requested", f"status {answer['status']}, not requested")
    expect(answer["origin"] == "cs", "origin is not cs")
    expect(answer["order"]["number"] == state["order_number"], "another order")
    expect([line["line_number"] for line in answer["lines"]] == [1], "not line 1")
    expect(
        any(event["note"] == "고객 통화: 박음질 불량" for event in answer["events"]),
        "the consultation note is not among the events",
    )
    state["return_number"] = answer["number"]


def check_approved(answer: Answer, state: State) -> None:
    expect(answer["number"] == state["return_number"], "another return")
    expect(
        answer["status"] in {"approved", "pickup_requested", "awaiting_shipment"},
        f"status {answer['status']} after approval",
    )
    state["approved_status"] = answer["status"]


def check_held(answer: Answer, state: State) -> None:
    expect(answer["number"] == state["held_number"], "another return")
    expect(answer["status"] == "on_hold", f"status {answer['status']}, not on_hold")
    expect(answer["hold_reason"] == "return_fee_unpaid", "hold reason not recorded")


def check_list(answer: Answer, state: State) -> None:
    statuses = {item["status"] for item in answer["results"]}
    expect(bool(answer["results"]), "no returns listed")
    expect(statuses <= {"on_hold", "requested"}, f"filter ignored: {statuses}")


def check_detail(answer: Answer, state: State) -> None:
    expect(answer["number"] == state["return_number"], "another return")
    expect(answer["status"] == state["approved_status"], "status changed since approval")
    expect(len(answer["events"]) >= 3, "events missing (created, note, approval)")
    expect(isinstance(answer["decision"], dict), "no decision")


Check = Callable[[Answer, State], None]
# (method, path as the README writes it, expected HTTP status, placeholders -> state keys, check)
CHECKS: list[tuple[str, str, int, dict[str, str], Check]] = [
    (
        "GET",
        "/orders?q=<order number or phone>",
        200,
        {"<order number or phone>": "order_number"},
        check_orders_search,
    ),
    ("POST", "/returns/preview", 200, {"<number>": "order_number"}, check_preview),
    ("POST", "/returns", 201, {"<number>": "order_number"}, check_created),
    (
        "POST",
        "/returns/<DM-2611-7K3Q9X>/approve",
        200,
        {"<DM-2611-7K3Q9X>": "return_number"},
        check_approved,
    ),
    ("POST", "/returns/<number>/hold", 200, {"<number>": "held_number"}, check_held),
    ("GET", "/returns?status=on_hold&status=requested", 200, {}, check_list),
    ("GET", "/returns/<number>", 200, {"<number>": "return_number"}, check_detail),
]


# -- running ---------------------------------------------------------------------------------


def api_get(base: str, key: str, path: str) -> Any:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=min(30, remaining())) as response:
        return json.load(response)


def collected(line: dict[str, Any], shortcuts: dict[str, Any]) -> bool:
    """Whether returning one unit of the line is collected rather than kept (refund shortcuts)."""
    limit, categories = shortcuts["keep_item_max"], shortcuts["keep_item_categories"]
    if limit is None or (categories and line["category"] not in categories):
        return True
    return line["paid_amount"] // max(line["quantity"], 1) > limit


def find_state(api: str, key: str) -> State:
    """An order whose line 1 can still be returned, and another return waiting for a decision.

    The line must be one the policy collects: a cheap line in a keep-item category is refunded at
    approval and the return completes at once, which is right but not the README's example.
    """
    state: State = {}
    shortcuts = api_get(api, key, "/policy")["refund_shortcuts"]
    path: str | None = "/orders?page_size=100"
    while path and "order_number" not in state:
        page = api_get(api, key, path)
        for order in page["results"]:
            detail = api_get(api, key, f"/orders/{order['id']}")
            first = [line for line in detail["lines"] if line["line_number"] == 1]
            if first and first[0]["returnable_quantity"] >= 1 and collected(first[0], shortcuts):
                state["order_number"] = order["order_number"]
                break
        path = page["next"].removeprefix(api) if page["next"] else None
    expect("order_number" in state, "the demo has no order with a returnable line 1")
    waiting = api_get(api, key, "/returns?status=requested")["results"]
    expect(bool(waiting), "the demo has no return waiting for a decision to hold")
    state["held_number"] = waiting[0]["number"]
    return state


def run_command(words: list[str], variables: dict[str, str], values: dict[str, str]) -> Any:
    argv = []
    for word in words:
        for name, value in variables.items():
            word = word.replace(f"${name}", value)
        for placeholder, value in values.items():
            word = word.replace(placeholder, value)
        expect(re.search(r"<[^<>]+>", word) is None, f"placeholder left in {word}")
        argv.append(word)
    argv += ["--max-time", "30", "-w", "\n%{http_code}"]
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=min(40, remaining()), check=False
    )
    expect(result.returncode == 0, f"curl failed ({result.returncode}): {result.stderr}")
    body, _, status = result.stdout.rpartition("\n")
    return int(status), body, shlex.join(argv[:-4])


def smoke(api: str, variables: dict[str, str], commands: list[list[str]]) -> None:
    state = find_state(api, variables["KEY"])
    for words, (method, path, status, placeholders, check) in zip(commands, CHECKS, strict=True):
        values = {placeholder: state[key] for placeholder, key in placeholders.items()}
        got, body, command = run_command(words, variables, values)
        print(f"{got} {method} {path}", flush=True)
        expect(got == status, f"{command}\n  answered {got}, not {status}: {body[:1000]}")
        try:
            answer = json.loads(body)
        except json.JSONDecodeError as error:
            raise SmokeFailure(f"{command}\n  answered no JSON: {body[:1000]}") from error
        try:
            check(answer, state)
        except (KeyError, TypeError, SmokeFailure) as error:
            raise SmokeFailure(f"{command}\n  wrong answer ({error!r}): {body[:1000]}") from error


def main() -> int:
    try:
        variables, commands = readme_commands()
        expect_the_checks_match(commands)
    except SmokeFailure as error:
        print(f"smoke test FAILED: {error}", file=sys.stderr)
        return 1
    port, simulator_port = free_port(), free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="banpum-smoke-"))
    env = {
        **os.environ,
        "BANPUM_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'banpum.sqlite3'}",
        "BANPUM_SIMULATOR_PORT": str(simulator_port),
        "BANPUM_REDIS_URL": "",
    }
    env.pop("BANPUM_JOBS_FILE", None)
    # The README's API address, moved to this server's port.
    variables["API"] = re.sub(r"//[^/]+", f"//127.0.0.1:{port}", variables["API"], count=1)
    log = (var_dir / "serve.log").open("w")
    server: subprocess.Popen[bytes] | None = None
    try:
        for command in (["migrate", "--verbosity", "0"], ["demo"]):
            subprocess.run(
                BANPUM + command,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=remaining(),
            )
        server = subprocess.Popen(
            [*BANPUM, "serve", "--no-migrate", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        while True:
            expect(server.poll() is None, "banpum serve exited")
            try:
                api_get(variables["API"], variables["KEY"], "/health")
                break
            except (urllib.error.URLError, ConnectionError):
                remaining()
                time.sleep(0.2)
        smoke(variables["API"], variables, commands)
    except (SmokeFailure, subprocess.SubprocessError, urllib.error.URLError) as error:
        print(f"smoke test FAILED: {error}", file=sys.stderr)
        log.flush()
        print("--- banpum serve's log (end):", file=sys.stderr)
        print((var_dir / "serve.log").read_text()[-3000:], file=sys.stderr)
        print(f"(kept {var_dir})", file=sys.stderr)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
    shutil.rmtree(var_dir)
    print(f"smoke test passed: {len(commands)} README examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
