"""The office's insights pages over reports registered for the test (``insight_reports``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from banpum.accounts.capabilities import ROLE_CAPABILITIES, Capability, Role
from banpum.returns.models import ReturnRequest
from tests.factories import ChannelFactory, ProductFactory
from tests.office import insight_reports as reports
from tests.office.conftest import member, return_for

pytestmark = pytest.mark.django_db

DASHBOARD = "/office/insights/"


@pytest.fixture(autouse=True)
def registered() -> Iterator[Any]:
    with reports.registered_reports() as registry:
        yield registry


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    return _client(member(django_user_model, "boss", store, role="manager"))


@pytest.fixture
def returns(store: Any) -> list[ReturnRequest]:
    made = [
        return_for(store, name="김철수", phone="010-1234-5678", order_number="ORD-1001"),
        return_for(store, name="이영희", phone="010-2222-3333", order_number="ORD-1002"),
    ]
    ReturnRequest.objects.filter(pk=made[1].pk).update(reason_detail="=HYPERLINK(1)")
    return made


def _today(store: Any) -> dt.date:
    return timezone.localtime(timezone.now(), ZoneInfo(store.timezone)).date()


# --- Who may see them ---------------------------------------------------------------------


def test_the_capability_is_for_managers_and_admins_only() -> None:
    assert Capability.INSIGHTS_VIEW in ROLE_CAPABILITIES[Role.MANAGER]
    assert Capability.INSIGHTS_VIEW in ROLE_CAPABILITIES[Role.ADMIN]
    assert Capability.INSIGHTS_VIEW not in ROLE_CAPABILITIES[Role.CS_AGENT]
    assert Capability.INSIGHTS_VIEW not in ROLE_CAPABILITIES[Role.WAREHOUSE]


@pytest.mark.parametrize("role", ["cs_agent", "warehouse"])
@pytest.mark.parametrize(
    "path",
    [DASHBOARD, f"{DASHBOARD}{reports.BY_STATUS}/", f"{DASHBOARD}{reports.BY_STATUS}/export.csv"],
)
def test_staff_without_the_capability_get_403_and_no_link(
    django_user_model: Any, store: Any, role: str, path: str
) -> None:
    client = _client(member(django_user_model, "someone", store, role=role))
    assert client.get(path).status_code == 403
    home = client.get("/office/").content.decode()
    assert DASHBOARD not in home
    assert reports.LOSS not in home


def test_signed_out_goes_to_the_sign_in(client: Client) -> None:
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/office/login/" in response["Location"]


def test_a_manager_sees_the_links_and_the_dashboard(manager: Client, returns: Any) -> None:
    home = manager.get("/office/").content.decode()
    assert f'href="{DASHBOARD}"' in home
    assert f'href="{DASHBOARD}{reports.LOSS}/"' in home  # the "Loss & aging" link
    response = manager.get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Returns by status" in page
    assert "Returns by day" in page
    assert "Loss and aging" in page
    assert 'id="section-returns"' in page
    assert 'id="section-loss"' in page
    assert "Figures as of 2026.11.30 09:05" in page  # as_of in the store's time zone
    # The chart's data rides in a JSON block the CSP lets through; its canvas points at it.
    assert f'<script id="chart-{reports.BY_STATUS}" type="application/json">' in page
    assert f'data-chart="chart-{reports.BY_STATUS}"' in page
    assert 'data-chart="chart-loss_aging"' not in page  # a table-only report has no chart
    assert "<script>" not in page  # nothing inline


def test_the_loss_link_is_absent_without_a_loss_report(manager: Client, registered: Any) -> None:
    del registered[reports.LOSS]
    assert reports.LOSS not in manager.get("/office/").content.decode()


def test_reports_are_built_for_the_current_store_only(
    manager: Client, store: Any, store2: Any, returns: Any
) -> None:
    return_for(store2, name="박영희", phone="010-9999-8888", order_number="ORD-2002")
    manager.get(DASHBOARD)
    assert {store_id for _, store_id, _ in reports.SEEN} == {store.pk}
    data = _chart(manager.get(DASHBOARD).content.decode(), reports.BY_STATUS)
    assert sum(data["datasets"][0]["data"]) == 2  # not store 2's return


# --- What they show -------------------------------------------------------------------------


def _chart(page: str, key: str) -> dict[str, Any]:
    found = re.search(rf'<script id="chart-{key}" type="application/json">(.*?)</script>', page)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_a_reports_rows_appear_formatted(manager: Client, returns: Any) -> None:
    status = returns[0].status
    estimate = sum(r.refund_estimate for r in returns)
    page = manager.get(f"{DASHBOARD}{reports.BY_STATUS}/").content.decode()
    assert f"<td >{status}</td>" in page or f">{status}</td>" in page
    assert ">2</td>" in page  # two returns
    assert "100.0%" in page
    assert f"₩{estimate:,}" in page  # won as an English reader writes them
    data = _chart(page, reports.BY_STATUS)
    assert data["type"] == "bar"
    assert data["labels"] == [status]
    assert data["datasets"][0] == {
        "key": "returns",
        "label": "Returns",
        "kind": "count",
        "data": [2],
    }
    assert data["units"]["won"] == "₩%(amount)s"


def test_korean_pages_write_won_after_the_number(
    django_user_model: Any, store: Any, returns: Any
) -> None:
    client = _client(member(django_user_model, "boss-ko", store, role="manager"), "ko")
    estimate = sum(r.refund_estimate for r in returns)
    page = client.get(f"{DASHBOARD}{reports.BY_STATUS}/").content.decode()
    assert f"{estimate:,}원" in page


def test_the_days_and_dates_columns(manager: Client, store: Any, returns: Any) -> None:
    page = manager.get(f"{DASHBOARD}{reports.LOSS}/").content.decode()
    assert re.search(r">\d+\.\d days</td>", page)
    day = manager.get(f"{DASHBOARD}{reports.BY_DAY}/").content.decode()
    assert f">{_today(store):%Y.%m.%d}</td>" in day


def test_the_dashboard_card_shows_the_first_rows_and_a_link_to_all(
    manager: Client, store: Any
) -> None:
    for index in range(7):
        return_for(store, name="고객", phone=f"010-1000-{index:04d}", order_number=f"O-{index}")
    page = manager.get(DASHBOARD).content.decode()
    card = page.split('id="report-loss_aging"')[1].split("</article>")[0]
    assert card.count("<tr") == 1 + 5  # the header and the first five
    assert "See all 7 rows" in card


def test_a_long_report_is_paged(manager: Client, store: Any, registered: Any) -> None:
    from banpum.insights.reports import Column, ColumnKind, Report, register

    def many(store: Any, filters: Any, now: Any) -> Report:
        return Report(
            key="many",
            title="Many",
            columns=(Column("n", "N", ColumnKind.COUNT),),
            rows=[{"n": 1000 + n} for n in range(120)],
        )

    register("many", "Many")(many)
    first = manager.get(f"{DASHBOARD}many/").content.decode()
    assert "1,000" in first
    assert "1,049" in first
    assert "1,050" not in first
    third = manager.get(f"{DASHBOARD}many/?page=3").content.decode()
    assert "1,119" in third
    assert "1,049" not in third
    assert "page=2" in first


def test_the_empty_state(manager: Client) -> None:
    page = manager.get(DASHBOARD).content.decode()
    assert "Nothing to count in this range yet" in page
    assert "No data for this range." in page
    assert "data-chart=" not in page  # no chart for no rows


def test_a_range_without_returns_is_empty_too(manager: Client, returns: Any) -> None:
    page = manager.get(f"{DASHBOARD}?date_from=2001-01-01&date_to=2001-12-31").content.decode()
    assert "Nothing to count in this range yet" in page


def test_no_reports_installed(manager: Client, registered: Any) -> None:
    registered.clear()
    assert "No reports are installed yet." in manager.get(DASHBOARD).content.decode()


def test_unknown_report_is_404(manager: Client) -> None:
    assert manager.get(f"{DASHBOARD}nope/").status_code == 404
    assert manager.get(f"{DASHBOARD}nope/export.csv").status_code == 404
    assert manager.get(f"{DASHBOARD}{reports.BY_STATUS}/export.pdf").status_code == 404


# --- Filters ----------------------------------------------------------------------------------


def test_the_default_is_the_last_three_months_by_month(manager: Client, store: Any) -> None:
    page = manager.get(DASHBOARD).content.decode()
    today = _today(store)
    index = today.year * 12 + today.month - 1 - 2
    start = dt.date(index // 12, index % 12 + 1, 1)
    _, _, seen = reports.SEEN[-1]
    assert (seen.date_from, seen.date_to, seen.period.value) == (start, today, "month")
    assert f'value="{start.isoformat()}"' in page  # the inputs show what was counted


def test_filters_reach_the_reports(manager: Client, store: Any) -> None:
    ChannelFactory(store=store, code="smart", name="스마트스토어")
    ProductFactory(store=store, category="신발")
    query = (
        "date_from=2026-01-01&date_to=2026-03-31&period=week&channel=smart&category=신발&carrier="
    )
    page = manager.get(f"{DASHBOARD}?{query}").content.decode()
    _, _, seen = reports.SEEN[-1]
    assert seen.date_from == dt.date(2026, 1, 1)
    assert seen.date_to == dt.date(2026, 3, 31)
    assert (seen.period.value, seen.channel, seen.category, seen.carrier) == (
        "week",
        "smart",
        "신발",
        "",
    )
    # The links to each report and its exports carry the same filters.
    assert f"/office/insights/{reports.BY_STATUS}/export.csv?date_from=2026-01-01" in page
    assert "period=week" in page
    assert "channel=smart" in page


def test_presets_keep_the_other_filters(manager: Client, store: Any) -> None:
    page = manager.get(f"{DASHBOARD}?period=day").content.decode()
    today = _today(store)
    start = today - dt.timedelta(days=29)
    assert (
        f'href="?date_from={start.isoformat()}&amp;date_to={today.isoformat()}&amp;period=day"'
        in page
    )
    for words in ("Last 30 days", "This month", "Last 3 months", "Last 12 months"):
        assert words in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-45", "Enter a valid date."),
        ("date_to=yesterday", "Enter a valid date."),
        ("date_from=2026-03-01&date_to=2026-01-01", "The end of the range is before its start."),
        ("date_from=2020-01-01&date_to=2026-01-01", "Choose a range of at most three years."),
        ("date_from=0001-01-01&date_to=0001-01-31", "Choose a date between"),
        ("date_from=9999-12-01&date_to=9999-12-31", "Choose a date between"),
        ("period=year", "Select a valid choice."),
        ("channel=nowhere", "Select a valid choice."),
        ("category=nothing", "Select a valid choice."),
        ("carrier=pigeon", "Select a valid choice."),
    ],
)
@pytest.mark.parametrize(
    "path",
    [DASHBOARD, f"{DASHBOARD}{reports.BY_STATUS}/", f"{DASHBOARD}{reports.LOSS}/export.xlsx"],
)
def test_bad_filters_are_form_errors(manager: Client, query: str, message: str, path: str) -> None:
    response = manager.get(f"{path}?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Check the filters: nothing was counted." in page
    assert reports.SEEN == []  # nothing was built


def test_a_range_of_exactly_three_years_is_fine(manager: Client) -> None:
    response = manager.get(f"{DASHBOARD}?date_from=2023-01-01&date_to=2025-12-31")
    assert response.status_code == 200


# --- Exports ----------------------------------------------------------------------------------


def test_excel_export_has_typed_cells(manager: Client, store: Any, returns: Any) -> None:
    today = _today(store)
    query = f"date_from={today.replace(day=1).isoformat()}&date_to={today.isoformat()}"
    response = manager.get(f"{DASHBOARD}{reports.BY_STATUS}/export.xlsx?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    expected = f"{store.slug}-{reports.BY_STATUS}-{today.replace(day=1):%Y%m%d}-{today:%Y%m%d}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Status", "Returns", "Share", "Refund estimate"]
    status, count, share, refund = sheet[2]
    assert status.value == returns[0].status
    assert count.value == 2
    assert isinstance(count.value, int)
    assert share.value == 1.0
    assert share.number_format == "0.0%"
    assert refund.value == sum(r.refund_estimate for r in returns)
    assert isinstance(refund.value, int)
    assert refund.number_format == "#,##0"
    about = {row[0].value: row[1].value for row in workbook.worksheets[1].iter_rows()}
    assert about["Store"] == store.name
    assert about["From"] == dt.datetime.combine(today.replace(day=1), dt.time.min)


def test_excel_dates_are_dates_and_formulas_are_text(
    manager: Client, store: Any, returns: Any
) -> None:
    response = manager.get(f"{DASHBOARD}{reports.BY_DAY}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A2"].value == dt.datetime.combine(_today(store), dt.time.min)
    assert sheet["A2"].is_date
    loss = manager.get(f"{DASHBOARD}{reports.LOSS}/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(loss.content)).worksheets[0].values)
    assert ("'=HYPERLINK(1)") in [row[1] for row in rows]
    assert all(isinstance(row[2], float) for row in rows[1:])  # days as numbers


def test_csv_export_has_a_bom_and_the_rows(manager: Client, store: Any, returns: Any) -> None:
    response = manager.get(f"{DASHBOARD}{reports.BY_STATUS}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    total = sum(r.refund_estimate for r in returns)
    assert rows == [
        ["Status", "Returns", "Share", "Refund estimate"],
        [returns[0].status, "2", "100.0%", str(total)],
    ]
    loss = manager.get(f"{DASHBOARD}{reports.LOSS}/export.csv").content.decode("utf-8")
    assert "'=HYPERLINK(1)" in loss


def test_an_export_uses_the_filters(manager: Client, returns: Any) -> None:
    response = manager.get(
        f"{DASHBOARD}{reports.BY_STATUS}/export.csv?date_from=2001-01-01&date_to=2001-02-01"
    )
    assert "20010101-20010201.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows == [["Status", "Returns", "Share", "Refund estimate"]]
