from typing import Any
import json
from tests.factories import make_order
import base64

def _create(api, order, **kw):
    body = {"order_id": order.pk, "reason_code": "change_of_mind", "lines": [{"line_number": 1, "quantity": 1}], **kw}
    return api.post("/api/v1/returns", body, content_type="application/json")

def test_probe(api: Any, store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2}])
    r = _create(api, order); print(r.status_code, r.json()["number"])
    for url in ["/api/v1/returns?status=requested&status=approved", "/api/v1/returns?created_from=2024-01-01T00:00:00",
                "/api/v1/returns?created_from=notadate", "/api/v1/returns?cursor=!!!",
                "/api/v1/returns?cursor=" + base64.b64encode(b"o=-1").decode(),
                "/api/v1/returns?page_size=abc", "/api/v1/returns/nope", "/api/v1/nothing"]:
        r = api.get(url)
        print(url, r.status_code, r.content[:400])
    r = api.post("/api/v1/returns", "{bad json", content_type="application/json"); print("badjson", r.status_code, r.content[:300])
    r = api.post("/api/v1/returns", {"reason_code": "x", "lines": [{"quantity": 0}]}, content_type="application/json"); print("val", r.status_code, r.content[:600])
    r = api.post("/api/v1/returns", {"order_id": order.pk, "reason_code": "x", "lines": []}, content_type="application/json"); print("val2", r.status_code, r.content[:600])
    r = api.post("/api/v1/returns/preview", {"order_id": order.pk, "reason_code": "change_of_mind", "lines": [{"line_number": 1, "quantity": 5}]}, content_type="application/json"); print("prev", r.status_code, r.content[:1600])
    r = api.get("/api/v1/openapi.json"); print(r.status_code, list(r.json()["paths"]))
    r = api.get("/api/v1/docs"); print(r.status_code)
    r = api.put("/api/v1/returns"); print("put", r.status_code, r.content[:200])
