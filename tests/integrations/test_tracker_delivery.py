"""The tracker.delivery client against a fake GraphQL server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator

import pytest

from banpum.integrations.carriers.base import (
    Address,
    CarrierGateway,
    GatewayError,
    PickupItem,
    PickupOrder,
    TrackedEvent,
)
from banpum.integrations.carriers.tracker_delivery import (
    STATUS_CODES,
    TrackerDeliveryClient,
    TrackerDeliveryGateway,
)
from banpum.logistics.models import TrackingStatus
from tests.integrations.fakes.tracker_delivery_server import FakeTrackerDelivery, make_event

CARRIER = "kr.cjlogistics"
WAYBILL = "636826218033"
KST = dt.timezone(dt.timedelta(hours=9))

RETURN_JOURNEY = [
    make_event(
        "INFORMATION_RECEIVED", "2025-06-02T09:12:00+09:00", name="집화지시", location="서울강남"
    ),
    make_event(
        "AT_PICKUP",
        "2025-06-02T15:40:11+09:00",
        name="집화처리",
        location="서울강남",
        description="고객님의 상품을 인수하였습니다.",
    ),
    make_event("IN_TRANSIT", "2025-06-02T21:03:27+09:00", name="간선상차", location="곤지암Hub"),
    make_event("IN_TRANSIT", "2025-06-03T04:10:24+09:00", name="간선하차", location="대전HUB"),
    make_event(
        "OUT_FOR_DELIVERY", "2025-06-03T08:19:45+09:00", name="배송출발", location="경기포천선단"
    ),
    make_event(
        "DELIVERED",
        "2025-06-03T14:02:06+09:00",
        name="배송완료",
        location="경기포천선단",
        description="배송완료(반품센터)",
    ),
]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTrackerDelivery]:
    with FakeTrackerDelivery(client_id="banpum", client_secret="s3cret") as fake:
        yield fake


@pytest.fixture
def fake(server: FakeTrackerDelivery) -> Iterator[FakeTrackerDelivery]:
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def client(fake: FakeTrackerDelivery) -> Iterator[TrackerDeliveryClient]:
    with TrackerDeliveryClient("banpum", "s3cret", endpoint=fake.url, timeout=2) as c:
        yield c


def _events(result: list[TrackedEvent] | GatewayError) -> list[TrackedEvent]:
    assert isinstance(result, list), result
    return result


def _error(result: object) -> GatewayError:
    assert isinstance(result, GatewayError), result
    return result


# -- track ----------------------------------------------------------------------------------------


def test_track_maps_every_event_oldest_first(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)

    events = _events(client.track(CARRIER, WAYBILL))

    assert [e.status for e in events] == [
        "INFORMATION_RECEIVED",
        "AT_PICKUP",
        "IN_TRANSIT",
        "IN_TRANSIT",
        "OUT_FOR_DELIVERY",
        "DELIVERED",
    ]
    assert [e.raw_status for e in events][:3] == ["집화지시", "집화처리", "간선상차"]
    picked_up = events[1]
    assert picked_up.occurred_at == dt.datetime(2025, 6, 2, 15, 40, 11, tzinfo=KST)
    assert picked_up.occurred_at.utcoffset() == dt.timedelta(hours=9)
    assert picked_up.location == "서울강남"
    assert picked_up.description == "고객님의 상품을 인수하였습니다."
    assert len({e.dedupe_key for e in events}) == len(events)


def test_track_sends_the_documented_request(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)

    client.track(CARRIER, WAYBILL)

    [request] = fake.requests
    assert request.path == "/graphql"
    assert request.headers["authorization"] == "TRACKQL-API-KEY banpum:s3cret"
    assert request.headers["content-type"].startswith("application/json")
    assert request.body["variables"] == {"carrierId": CARRIER, "trackingNumber": WAYBILL}
    query = request.body["query"]
    assert "track(carrierId: $carrierId, trackingNumber: $trackingNumber)" in query
    assert "lastEvent" in query
    assert "events(last: 50)" in query


def test_dedupe_keys_are_stable_across_polls(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY[:2])
    first = _events(client.track(CARRIER, WAYBILL))
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY[:4])
    second = _events(client.track(CARRIER, WAYBILL))

    assert [e.dedupe_key for e in second[:2]] == [e.dedupe_key for e in first]
    assert len(second[0].dedupe_key) <= 128  # TrackingEvent.dedupe_key max_length


def test_same_instant_in_another_offset_keeps_its_dedupe_key(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.add_parcel(CARRIER, WAYBILL, [make_event("AT_PICKUP", "2025-06-02T15:40:11+09:00")])
    kst = _events(client.track(CARRIER, WAYBILL))
    fake.add_parcel(CARRIER, WAYBILL, [make_event("AT_PICKUP", "2025-06-02T06:40:11.000Z")])
    utc = _events(client.track(CARRIER, WAYBILL))

    assert kst[0].dedupe_key == utc[0].dedupe_key


def test_unknown_status_code_becomes_unknown_and_keeps_the_raw(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.add_parcel(
        CARRIER,
        WAYBILL,
        [
            make_event("CUSTOMS_HOLD", "2025-06-02T10:00:00+09:00", name="통관보류"),
            make_event("HELD_AT_DEPOT", "2025-06-02T11:00:00+09:00"),
        ],
    )

    events = _events(client.track(CARRIER, WAYBILL))

    assert [(e.status, e.raw_status) for e in events] == [
        ("UNKNOWN", "통관보류"),  # the name when there is one
        ("UNKNOWN", "HELD_AT_DEPOT"),  # else the code
    ]


def test_last_event_missing_from_events_is_merged_in(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    delivered = make_event("DELIVERED", "2025-06-03T14:02:06+09:00", name="배송완료")
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY[:3], last_event=delivered)

    events = _events(client.track(CARRIER, WAYBILL))

    assert [e.status for e in events][-1] == "DELIVERED"
    assert len(events) == 4


def test_only_the_newest_fifty_events_are_asked_for(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    start = dt.datetime(2025, 6, 1, tzinfo=KST)
    many = [
        make_event("IN_TRANSIT", (start + dt.timedelta(minutes=i)).isoformat(), name=f"scan {i}")
        for i in range(60)
    ]
    fake.add_parcel(CARRIER, WAYBILL, many)

    events = _events(client.track(CARRIER, WAYBILL))

    assert len(events) == 50
    assert events[0].raw_status == "scan 10"
    assert events[-1].raw_status == "scan 59"


def test_event_without_time_is_skipped(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    undated = make_event("IN_TRANSIT", "2025-06-02T10:00:00+09:00")
    undated["time"] = None
    fake.add_parcel(CARRIER, WAYBILL, [RETURN_JOURNEY[0], undated])

    events = _events(client.track(CARRIER, WAYBILL))

    assert [e.status for e in events] == ["INFORMATION_RECEIVED"]


def test_not_found_means_no_data_yet(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    assert client.track(CARRIER, "000000000000") == []
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    fake.mode = "not_found"
    assert client.track(CARRIER, WAYBILL) == []


@pytest.mark.parametrize(
    ("mode", "code", "retryable"),
    [
        ("bad_request", "bad_request", False),
        ("internal", "internal", True),
        ("rate_limit", "rate_limited", True),
        ("http_429", "rate_limited", True),
        ("http_500", "http_500", True),
    ],
)
def test_provider_errors_map_to_gateway_errors(
    fake: FakeTrackerDelivery,
    client: TrackerDeliveryClient,
    mode: str,
    code: str,
    retryable: bool,
) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    fake.mode = mode

    error = _error(client.track(CARRIER, WAYBILL))

    assert (error.code, error.retryable) == (code, retryable)


def test_bad_request_keeps_the_providers_words(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.mode = "bad_request"
    error = _error(client.track(CARRIER, "12-34"))
    assert error.carrier_words == "Invalid tracking number format"


def test_wrong_key_is_an_auth_error_not_retried(fake: FakeTrackerDelivery) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    with TrackerDeliveryClient("banpum", "wrong", endpoint=fake.url) as client:
        error = _error(client.track(CARRIER, WAYBILL))
    assert (error.code, error.retryable) == ("auth", False)


def test_slow_server_is_a_retryable_timeout(fake: FakeTrackerDelivery) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    fake.mode = "slow"
    fake.slow_seconds = 2.0
    with TrackerDeliveryClient("banpum", "s3cret", endpoint=fake.url, timeout=0.2) as client:
        error = _error(client.track(CARRIER, WAYBILL))
    assert (error.code, error.retryable) == ("timeout", True)


def test_nobody_listening_is_a_retryable_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port was free a moment ago and nothing listens on it now.
    endpoint = f"http://127.0.0.1:{port}/graphql"
    with TrackerDeliveryClient("banpum", "s3cret", endpoint=endpoint, timeout=1) as client:
        error = _error(client.track(CARRIER, WAYBILL))
    assert (error.code, error.retryable) == ("connection", True)


def test_unusable_endpoint_is_a_config_error_not_retried() -> None:
    with TrackerDeliveryClient("banpum", "s3cret", endpoint="apis.tracker.delivery") as client:
        error = _error(client.track(CARRIER, WAYBILL))
    assert (error.code, error.retryable) == ("config", False)


# -- registerTrackWebhook -------------------------------------------------------------------------


def test_register_webhook(fake: FakeTrackerDelivery, client: TrackerDeliveryClient) -> None:
    expires = dt.datetime(2025, 6, 3, 10, 0, tzinfo=KST)

    result = client.register_track_webhook(CARRIER, WAYBILL, "https://banpum.example/cb", expires)

    assert result is True
    assert fake.webhooks[(CARRIER, WAYBILL)] == {
        "carrierId": CARRIER,
        "trackingNumber": WAYBILL,
        "callbackUrl": "https://banpum.example/cb",
        "expirationTime": "2025-06-03T10:00:00+09:00",
    }
    [request] = fake.requests
    assert "registerTrackWebhook(input: $input)" in request.body["query"]
    assert request.headers["authorization"] == "TRACKQL-API-KEY banpum:s3cret"


def test_register_webhook_again_extends_it(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    first = dt.datetime(2025, 6, 3, 10, 0, tzinfo=KST)
    client.register_track_webhook(CARRIER, WAYBILL, "https://banpum.example/cb", first)
    client.register_track_webhook(
        CARRIER, WAYBILL, "https://banpum.example/cb", first + dt.timedelta(hours=48)
    )
    assert fake.webhooks[(CARRIER, WAYBILL)]["expirationTime"] == "2025-06-05T10:00:00+09:00"


@pytest.mark.parametrize(
    ("mode", "code", "retryable"),
    [("bad_request", "bad_request", False), ("internal", "internal", True)],
)
def test_register_webhook_errors(
    fake: FakeTrackerDelivery,
    client: TrackerDeliveryClient,
    mode: str,
    code: str,
    retryable: bool,
) -> None:
    fake.mode = mode
    error = _error(
        client.register_track_webhook(
            CARRIER, WAYBILL, "https://banpum.example/cb", dt.datetime(2025, 6, 3, tzinfo=KST)
        )
    )
    assert (error.code, error.retryable) == (code, retryable)


def test_register_webhook_refuses_a_naive_time(client: TrackerDeliveryClient) -> None:
    naive = dt.datetime(2025, 6, 3, 10, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        client.register_track_webhook(CARRIER, WAYBILL, "https://banpum.example/cb", naive)


# -- the gateway ----------------------------------------------------------------------------------


def _order() -> PickupOrder:
    person = Address(name="홍길동", phone="010-1234-5678", postcode="06236", address1="서울")
    return PickupOrder(
        idempotency_key="pk-1",
        return_number="R-1",
        customer_code="",
        sender=person,
        receiver=person,
        items=(PickupItem(name="셔츠", quantity=1),),
    )


def test_gateway_tracks_and_refuses_pickups(
    fake: FakeTrackerDelivery, client: TrackerDeliveryClient
) -> None:
    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    gateway: CarrierGateway = TrackerDeliveryGateway(client, CARRIER)

    assert len(_events(gateway.track(WAYBILL))) == len(RETURN_JOURNEY)
    for result in (
        gateway.request_pickup(_order()),
        gateway.cancel_pickup(carrier_reference="x", waybill_number=WAYBILL),
        gateway.label(waybill_number=WAYBILL),
    ):
        error = _error(result)
        assert (error.code, error.retryable) == ("unsupported", False)
    assert len(fake.requests) == 1  # nothing but the track call went out


def test_status_vocabulary_matches_the_tracking_status_model() -> None:
    assert {s.value for s in TrackingStatus} == STATUS_CODES


# -- the fake itself ------------------------------------------------------------------------------


def test_fake_rejects_fields_outside_the_schema(fake: FakeTrackerDelivery) -> None:
    import httpx

    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    response = httpx.post(
        fake.url,
        headers={"Authorization": "TRACKQL-API-KEY banpum:s3cret"},
        json={
            "query": 'query { track(carrierId: "kr.cjlogistics", trackingNumber: "636826218033")'
            " { events(last: 1) { edges { node { status { code } when } } } } }"
        },
    )
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert '"when"' in body["errors"][0]["message"]


def test_fake_answers_only_the_selected_fields(fake: FakeTrackerDelivery) -> None:
    import httpx

    fake.add_parcel(CARRIER, WAYBILL, RETURN_JOURNEY)
    response = httpx.post(
        fake.url,
        headers={"Authorization": "TRACKQL-API-KEY banpum:s3cret"},
        json={
            "query": "query($c: ID!, $t: String!) { track(carrierId: $c, trackingNumber: $t)"
            " { events(first: 1) { edges { node { status { code } } } } } }",
            "variables": {"c": CARRIER, "t": WAYBILL},
        },
    )
    assert response.json() == {
        "data": {
            "track": {"events": {"edges": [{"node": {"status": {"code": "INFORMATION_RECEIVED"}}}]}}
        }
    }
