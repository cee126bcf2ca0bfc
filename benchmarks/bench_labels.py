"""Return labels per second: ``banpum.logistics.labels.render_labels`` on A4 batches.

CS prints labels in batches, so the figure is labels per second in a 100-label A4 PDF (25 pages,
Code128 + QR + embedded Korean font). The LIMIT beside it, measured in the same run, is
reportlab writing the same 25 pages with one line of the same font each: the cost of the PDF
engine itself, which no label layout can beat.

    .venv/bin/python -m benchmarks.bench_labels [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import time
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

from banpum.logistics.labels import (
    LabelItem,
    LabelParty,
    ReturnLabel,
    label_font_name,
    render_labels,
)
from benchmarks._common import median

BATCH = 100


def make_labels(count: int = BATCH) -> list[ReturnLabel]:
    return [
        ReturnLabel(
            return_number=f"R2611-{index:07d}",
            waybill_number=f"6{index:011d}",
            carrier_name="CJ대한통운",
            carrier_code="kr.cjlogistics",
            tracking_url=f"https://trace.cjlogistics.com/next/tracking.html?wblNo=6{index:011d}",
            sender=LabelParty(
                "김민준", "010-1234-5678", "06236", "서울 강남구 테헤란로 152", "12층"
            ),
            receiver=LabelParty(
                "반품마켓 물류센터", "031-123-4567", "17416", "경기도 이천시 마장면 덕이로 154"
            ),
            items=(LabelItem("오버핏 코튼 셔츠", 1), LabelItem("데님 와이드 팬츠", 2)),
            fare_type="credit",
            order_number=f"2026112{index:09d}",
            store_name="반품마켓 데모",
            created_on=dt.date(2026, 11, 24),
        )
        for index in range(count)
    ]


def _floor(pages: int) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    font = label_font_name()
    for page in range(pages):
        pdf.setFont(font, 10)
        pdf.drawString(40, 800, f"반품 회수 송장 {page}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def run(quick: bool = False) -> dict[str, Any]:
    rounds = 2 if quick else 5
    labels = make_labels()
    render_labels(labels[:4], "A4")  # font discovery and registration are one-offs
    rates: list[float] = []
    limits: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        render_labels(labels, "A4")
        rates.append(BATCH / (time.perf_counter() - started))
        started = time.perf_counter()
        _floor(BATCH // 4)
        limits.append(BATCH / (time.perf_counter() - started))
    return {
        "labels_per_s": round(median(rates), 1),
        "limit_labels_per_s": round(median(limits), 1),
        "batch": BATCH,
        "rounds": rounds,
        "font": label_font_name(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(run(parser.parse_args().quick), indent=2, ensure_ascii=False))
