"""A manager in a real browser: opens the insights, narrows the range, sees a chart drawn,
opens a report and downloads its CSV, all under the office's content security policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.office import insight_reports as reports
from tests.office.conftest import PASSWORD, member, return_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager_data(store: Any, django_user_model: Any) -> Iterator[Any]:
    member(django_user_model, "boss", store, role="manager")
    for index in range(3):
        return_for(store, name="김철수", phone=f"010-1234-{index:04d}", order_number=f"ORD-{index}")
    with reports.registered_reports():
        yield store


def test_a_manager_reads_the_insights_and_downloads_a_report(
    live_server: Any, page: Any, manager_data: Any
) -> None:
    blocked = csp_violations(page)
    page.emulate_media(reduced_motion="reduce")  # insights.js draws without animation then
    base = live_server.url
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill("boss")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")

    page.locator("header nav a[href='/office/insights/']").click()
    page.wait_for_url(f"{base}/office/insights/")
    chart = page.locator(f"canvas[data-chart='chart-{reports.BY_STATUS}']")
    expect(chart).to_have_attribute("data-drawn", "1")

    # A new range through the form (no JavaScript needed for it): this month only.
    today = timezone.localtime(timezone.now(), ZoneInfo(manager_data.timezone)).date()
    page.locator("#id_date_from").fill(today.replace(day=1).isoformat())
    page.locator("#id_period").select_option("day")
    page.locator(".insights-filters button[type=submit]").click()
    page.wait_for_url("**/office/insights/?*period=day*")
    chart = page.locator(f"canvas[data-chart='chart-{reports.BY_STATUS}']")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(page.locator(f"canvas[data-chart='chart-{reports.BY_DAY}']")).to_have_attribute(
        "data-drawn", "1"
    )
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 100
    page.screenshot(path=str(screenshots_dir() / "office-insights.png"), full_page=True)

    page.locator(f"#report-{reports.BY_STATUS} h3 a").click()
    page.wait_for_url(f"**/office/insights/{reports.BY_STATUS}/?*")
    expect(page.locator("canvas[data-chart]")).to_have_attribute("data-drawn", "1")
    expect(page.locator("table.table tbody tr")).to_have_count(1)
    page.screenshot(path=str(screenshots_dir() / "office-insights-report.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV 다운로드").click()
    download = download_info.value
    start = today.replace(day=1)
    assert download.suggested_filename == (
        f"{manager_data.slug}-{reports.BY_STATUS}-{start:%Y%m%d}-{today:%Y%m%d}.csv"
    )
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    assert text.splitlines()[1].split(",")[1] == "3"

    page.locator(f"header nav a[href='/office/insights/{reports.LOSS}/']").click()  # the nav's
    expect(page.locator("h1")).to_have_text("Loss and aging")
    expect(page.locator("table.table tbody tr")).to_have_count(3)
    assert blocked == []  # Chart.js and the pages work under the content security policy


def test_a_bad_range_is_shown_in_the_form(live_server: Any, page: Any, manager_data: Any) -> None:
    page.goto(f"{live_server.url}/office/login/")
    page.get_by_label("아이디").fill("boss")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{live_server.url}/office/")
    page.goto(f"{live_server.url}/office/insights/?date_from=2026-03-01&date_to=2026-01-01")
    expect(page.locator("#id_date_to-error")).to_be_visible()
    assert page.locator("canvas").count() == 0
