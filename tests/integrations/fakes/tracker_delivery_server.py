"""A fake tracker.delivery GraphQL API on 127.0.0.1, for testing the real client over HTTP.

It is a small but honest GraphQL server for the two operations Banpum uses:

- it parses the query (operation, variables, selection sets, arguments) and validates every
  selected field against the public schema (``shlee322/delivery-tracker`` schema.graphql,
  plus the hosted-only ``registerTrackWebhook`` mutation), so a typo in the client's query
  fails with BAD_REQUEST the way the real API would;
- it answers with only the fields that were selected, so a client that reads a field it did
  not ask for gets nothing, as with the real API;
- it honours ``events(first|last: n)``;
- it checks ``Authorization: TRACKQL-API-KEY {clientId}:{clientSecret}``.

Faults are switched with ``mode``: ``not_found``, ``bad_request``, ``internal``,
``rate_limit`` (HTTP 200 with a "rate limit" message), ``http_429``, ``http_500`` (plain-text
body, as a proxy would send) and ``slow`` (sleeps ``slow_seconds`` first).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# -- schema (only what the two operations can reach) ------------------------------------------

SCALAR = None
SCHEMA: dict[str, dict[str, str | None]] = {
    "Query": {"track": "TrackInfo"},
    "Mutation": {"registerTrackWebhook": SCALAR},
    "TrackInfo": {
        "trackingNumber": SCALAR,
        "lastEvent": "TrackEvent",
        "events": "TrackEventConnection",
        "sender": "ContactInfo",
        "recipient": "ContactInfo",
    },
    "TrackEvent": {
        "status": "TrackEventStatus",
        "time": SCALAR,
        "location": "Location",
        "contact": "ContactInfo",
        "description": SCALAR,
    },
    "TrackEventConnection": {"edges": "TrackEventEdge", "pageInfo": "PageInfo"},
    "TrackEventEdge": {"node": "TrackEvent", "cursor": SCALAR},
    "TrackEventStatus": {"code": SCALAR, "name": SCALAR},
    "Location": {"countryCode": SCALAR, "postalCode": SCALAR, "name": SCALAR},
    "ContactInfo": {"name": SCALAR, "location": "Location", "phoneNumber": SCALAR},
    "PageInfo": {
        "hasNextPage": SCALAR,
        "hasPreviousPage": SCALAR,
        "startCursor": SCALAR,
        "endCursor": SCALAR,
    },
}


class GraphQLError(Exception):
    def __init__(self, message: str, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.code = code


# -- a minimal GraphQL parser ------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<skip>[\s,]+|\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<punct>\.\.\.|[{}()\[\]:!$=@])
    """,
    re.VERBOSE,
)


@dataclass
class Field:
    name: str
    alias: str
    arguments: dict[str, Any]
    selections: list[Field] | None


@dataclass
class Operation:
    kind: str  # "query" | "mutation"
    variables: dict[str, bool] = field(default_factory=dict)  # name → required
    selections: list[Field] = field(default_factory=list)


class _Var:
    """A ``$name`` in an argument, resolved when the operation runs."""

    def __init__(self, name: str) -> None:
        self.name = name


def _tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise GraphQLError(f"Syntax Error: unexpected character {source[pos]!r}")
        pos = match.end()
        kind = match.lastgroup or ""
        if kind != "skip":
            tokens.append((kind, match.group()))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise GraphQLError("Syntax Error: unexpected end of document")
        if (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise GraphQLError(f"Syntax Error: expected {value or kind}, found {token[1]!r}")
        self.pos += 1
        return token[1]

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == value

    def document(self) -> Operation:
        operation = Operation(kind="query")
        token = self.peek()
        if token is not None and token[1] in ("query", "mutation"):
            operation.kind = self.take()
            if self.peek() is not None and self.peek()[0] == "name":  # type: ignore[index]
                self.take(kind="name")
            if self.at("("):
                operation.variables = self.variable_definitions()
        operation.selections = self.selection_set()
        if self.peek() is not None:
            raise GraphQLError("only one operation per document is supported by this fake")
        return operation

    def variable_definitions(self) -> dict[str, bool]:
        found: dict[str, bool] = {}
        self.take("(")
        while not self.at(")"):
            self.take("$")
            name = self.take(kind="name")
            self.take(":")
            found[name] = self.type_ref()
            if self.at("="):
                self.take("=")
                self.value()
        self.take(")")
        return found

    def type_ref(self) -> bool:
        if self.at("["):
            self.take("[")
            self.type_ref()
            self.take("]")
        else:
            self.take(kind="name")
        if self.at("!"):
            self.take("!")
            return True
        return False

    def selection_set(self) -> list[Field]:
        self.take("{")
        selections: list[Field] = []
        while not self.at("}"):
            if self.at("..."):
                raise GraphQLError("fragments are not supported by this fake")
            name = self.take(kind="name")
            alias = name
            if self.at(":"):
                self.take(":")
                name = self.take(kind="name")
            arguments: dict[str, Any] = {}
            if self.at("("):
                self.take("(")
                while not self.at(")"):
                    arg = self.take(kind="name")
                    self.take(":")
                    arguments[arg] = self.value()
                self.take(")")
            children = self.selection_set() if self.at("{") else None
            selections.append(Field(name, alias, arguments, children))
        self.take("}")
        if not selections:
            raise GraphQLError("Syntax Error: empty selection set")
        return selections

    def value(self) -> Any:
        kind, text = self.peek() or ("", "")
        if text == "$":
            self.take("$")
            return _Var(self.take(kind="name"))
        if kind == "string":
            self.take()
            return json.loads(text)
        if kind == "number":
            self.take()
            return float(text) if "." in text else int(text)
        if kind == "name":
            self.take()
            return {"true": True, "false": False, "null": None}.get(text, text)
        if text == "{":
            self.take("{")
            obj: dict[str, Any] = {}
            while not self.at("}"):
                key = self.take(kind="name")
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        if text == "[":
            self.take("[")
            items = []
            while not self.at("]"):
                items.append(self.value())
            self.take("]")
            return items
        raise GraphQLError(f"Syntax Error: unexpected {text!r}")


def parse(source: str) -> Operation:
    return _Parser(source).document()


# -- test data builders -------------------------------------------------------------------------


def make_event(
    code: str,
    time: str,
    *,
    name: str | None = None,
    location: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """One event in the schema's full ``TrackEvent`` shape."""
    return {
        "status": {"code": code, "name": name},
        "time": time,
        "location": None
        if location is None
        else {"countryCode": "KR", "postalCode": None, "name": location},
        "contact": None,
        "description": description,
    }


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: Any


# -- the server ---------------------------------------------------------------------------------


class FakeTrackerDelivery:
    """Start with ``start()`` (or ``with``); point the client at ``url``."""

    def __init__(self, client_id: str = "test-client", client_secret: str = "test-secret") -> None:
        self.expected_authorization = f"TRACKQL-API-KEY {client_id}:{client_secret}"
        self.parcels: dict[tuple[str, str], dict[str, Any]] = {}
        self.webhooks: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.mode = "normal"
        self.slow_seconds = 2.0
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/graphql"

    def start(self) -> FakeTrackerDelivery:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.block_on_close = False
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # wake any "slow" handler
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTrackerDelivery:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self) -> None:
        self.parcels.clear()
        self.webhooks.clear()
        self.requests.clear()
        self.mode = "normal"
        self._release.clear()

    # data

    def add_parcel(
        self,
        carrier_id: str,
        tracking_number: str,
        events: list[dict[str, Any]],
        *,
        last_event: dict[str, Any] | None = None,
    ) -> None:
        """Events oldest first; ``lastEvent`` defaults to the newest, as the API does."""
        self.parcels[(carrier_id, tracking_number)] = {
            "trackingNumber": tracking_number,
            "lastEvent": last_event if last_event is not None else (events[-1] if events else None),
            "events": list(events),
            "sender": None,
            "recipient": None,
        }

    # request handling (runs on the server's threads)

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, str, bytes]:
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        self.requests.append(RecordedRequest(path=path, headers=headers, body=body))

        if path != "/graphql":
            return 404, "text/plain", b"not found"
        if self.mode == "slow":
            self._release.wait(self.slow_seconds)
        if self.mode == "http_500":
            return 500, "text/plain", b"Internal Server Error"
        if self.mode == "http_429":
            return 429, "text/plain", b"Too Many Requests"
        if headers.get("authorization") != self.expected_authorization:
            return (
                401,
                "application/json",
                _json(
                    {
                        "errors": [
                            {
                                "message": "Unauthenticated",
                                "extensions": {"code": "UNAUTHENTICATED"},
                            }
                        ]
                    }
                ),
            )
        if self.mode == "rate_limit":
            return (
                200,
                "application/json",
                _json({"errors": [{"message": "Rate limit exceeded. Please try again later."}]}),
            )
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return (
                400,
                "application/json",
                _json(_errors("Must provide query string.", "BAD_REQUEST")),
            )

        try:
            operation = parse(body["query"])
            variables = body.get("variables") or {}
            for name, required in operation.variables.items():
                if required and variables.get(name) is None:
                    raise GraphQLError(f'Variable "${name}" of required type was not provided.')
            return 200, "application/json", _json(self._execute(operation, variables))
        except GraphQLError as exc:
            return 200, "application/json", _json(_errors(str(exc), exc.code))

    def _execute(self, operation: Operation, variables: dict[str, Any]) -> dict[str, Any]:
        root_type = "Mutation" if operation.kind == "mutation" else "Query"
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for selection in operation.selections:
            if selection.name not in SCHEMA[root_type]:
                raise GraphQLError(f'Cannot query field "{selection.name}" on type "{root_type}".')
            args = _resolve_args(selection.arguments, variables)
            try:
                if selection.name == "track":
                    data[selection.alias] = self._track(selection, args, variables)
                else:
                    data[selection.alias] = self._register_webhook(selection, args)
            except GraphQLError as exc:
                if exc.code == "BAD_REQUEST":
                    raise
                data[selection.alias] = None
                errors.append(
                    {
                        "message": str(exc),
                        "path": [selection.alias],
                        "extensions": {"code": exc.code},
                    }
                )
        answer: dict[str, Any] = {"data": data}
        if errors:
            answer["errors"] = errors
        return answer

    def _track(self, selection: Field, args: dict[str, Any], variables: dict[str, Any]) -> Any:
        if not args.get("carrierId") or not args.get("trackingNumber"):
            raise GraphQLError("track needs carrierId and trackingNumber")
        if selection.selections is None:
            raise GraphQLError('Field "track" of type "TrackInfo" must have a selection.')
        if self.mode == "bad_request":
            raise GraphQLError("Invalid tracking number format", "BAD_REQUEST")
        if self.mode == "internal":
            raise GraphQLError("Upstream carrier failed", "INTERNAL")
        parcel = self.parcels.get((args["carrierId"], args["trackingNumber"]))
        if parcel is None or self.mode == "not_found":
            raise GraphQLError("Tracking information not found", "NOT_FOUND")
        return _project("TrackInfo", parcel, selection.selections, variables)

    def _register_webhook(self, selection: Field, args: dict[str, Any]) -> Any:
        if selection.selections is not None:
            raise GraphQLError('Field "registerTrackWebhook" must not have a selection.')
        data = args.get("input")
        required = ("carrierId", "trackingNumber", "callbackUrl", "expirationTime")
        if not isinstance(data, dict) or any(not data.get(key) for key in required):
            raise GraphQLError("registerTrackWebhook needs input with " + ", ".join(required))
        if not re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", data["expirationTime"]
        ):
            raise GraphQLError("expirationTime is not an RFC3339 DateTime")
        if self.mode == "bad_request":
            raise GraphQLError("Invalid callbackUrl", "BAD_REQUEST")
        if self.mode == "internal":
            raise GraphQLError("Webhook store failed", "INTERNAL")
        self.webhooks[(data["carrierId"], data["trackingNumber"])] = dict(data)
        return True


def _resolve_args(arguments: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    def resolve(value: Any) -> Any:
        if isinstance(value, _Var):
            return variables.get(value.name)
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    return {name: resolve(value) for name, value in arguments.items()}


def _project(type_name: str, value: Any, selections: list[Field], variables: dict[str, Any]) -> Any:
    """Keep only the selected fields of ``value``, validating them against ``SCHEMA``."""
    if value is None:
        return None
    fields = SCHEMA[type_name]
    result: dict[str, Any] = {}
    for selection in selections:
        if selection.name == "__typename":
            result[selection.alias] = type_name
            continue
        if selection.name not in fields:
            raise GraphQLError(f'Cannot query field "{selection.name}" on type "{type_name}".')
        child_type = fields[selection.name]
        if child_type is None:
            if selection.selections is not None:
                raise GraphQLError(f'Field "{selection.name}" is a scalar and has no selection.')
            result[selection.alias] = value.get(selection.name)
            continue
        if selection.selections is None:
            raise GraphQLError(
                f'Field "{selection.name}" of type "{child_type}" must have a selection.'
            )
        child = value.get(selection.name)
        if type_name == "TrackInfo" and selection.name == "events":
            args = _resolve_args(selection.arguments, variables)
            child = _connection(value.get("events") or [], args)
        if child_type == "TrackEventEdge":
            result[selection.alias] = [
                _project(child_type, item, selection.selections, variables) for item in child or []
            ]
        else:
            result[selection.alias] = _project(child_type, child, selection.selections, variables)
    return result


def _connection(events: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    indexed = list(enumerate(events))
    if isinstance(args.get("first"), int):
        indexed = indexed[: args["first"]]
    if isinstance(args.get("last"), int):
        indexed = indexed[-args["last"] :] if args["last"] else []
    return {
        "edges": [{"node": event, "cursor": str(i)} for i, event in indexed],
        "pageInfo": {
            "hasNextPage": bool(indexed) and indexed[-1][0] < len(events) - 1,
            "hasPreviousPage": bool(indexed) and indexed[0][0] > 0,
            "startCursor": str(indexed[0][0]) if indexed else None,
            "endCursor": str(indexed[-1][0]) if indexed else None,
        },
    }


def _errors(message: str, code: str) -> dict[str, Any]:
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}


def _json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        headers = {key.lower(): value for key, value in self.headers.items()}
        fake: FakeTrackerDelivery = self.server.fake  # type: ignore[attr-defined]
        status, content_type, payload = fake.handle(self.path, headers, raw)
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the "slow" mode's timeout test)

    def do_GET(self) -> None:
        self.send_error(405, "GraphQL here takes POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean
