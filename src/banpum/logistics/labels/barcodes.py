"""Code128 bars and QR modules as plain geometry, ready to be drawn as rectangles.

The QR encoder here picks the mask itself (much faster than reportlab's ``QRCode.make``);
that and Code128 decomposition are pure computations, tested on their own.
"""

from __future__ import annotations

import itertools
import re

from reportlab.graphics.barcode.code128 import Code128  # type: ignore[import-untyped]
from reportlab.graphics.barcode.qrencoder import (  # type: ignore[import-untyped]
    QRCode,
    QRErrorCorrectLevel,
    QRUtil,
)


def _code128_bars(value: str) -> tuple[list[tuple[int, int]], int]:
    """(offset, width) of each bar in modules, and the symbol's width in modules."""
    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    pattern: str = symbol.decompose()
    bars: list[tuple[int, int]] = []
    position = 0
    for ch in pattern:
        width = ord(ch.lower()) - ord("a") + 1
        if ch.isupper():
            bars.append((position, width))
        position += width
    return bars, position


def _qr_matrix(value: str) -> list[list[bool]]:
    """The QR code (level M) of ``value`` with the mask pattern of lowest penalty.

    reportlab's ``QRCode.make`` rebuilds the whole symbol for each of the eight masks and
    scores it slowly (some 20 ms a code, most of a label's time); here the symbol is built
    once, each mask is applied by flipping the data modules, and the ISO 18004 penalty is
    counted on strings and ints. The result is the symbol ``make`` would build for that mask.
    """
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 0)
    base = [list(map(bool, row)) for row in qr.modules]
    best: list[list[bool]] = base
    best_score = _qr_penalty(base)
    for pattern, flips in enumerate(_qr_mask_flips(qr), start=1):
        modules = [row[:] for row in base]
        for row, col in flips:
            modules[row][col] = not modules[row][col]
        qr.modules = modules
        qr.setupTypeInfo(False, pattern)  # the format bits name the mask
        score = _qr_penalty(modules)
        if score < best_score:
            best, best_score = modules, score
    return best


def _qr_rects(matrix: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """The dark modules as few rectangles: (row, col, rows, cols) of runs, stacked down."""
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (col, cols) -> first row
    for r, line in enumerate([*matrix, []]):
        runs: set[tuple[int, int]] = set()
        c, n = 0, len(line)
        while c < n:
            if line[c]:
                start = c
                while c < n and line[c]:
                    c += 1
                runs.add((start, c - start))
            else:
                c += 1
        for run, first in list(open_runs.items()):
            if run not in runs:
                done.append((first, run[0], r - first, run[1]))
                del open_runs[run]
        for run in runs:
            open_runs.setdefault(run, r)
    return done


_qr_flips: dict[int, list[list[tuple[int, int]]]] = {}


def _qr_mask_flips(qr: QRCode) -> list[list[tuple[int, int]]]:
    """For masks 1-7: the data modules whose colour differs from mask 0's (per version)."""
    flips = _qr_flips.get(qr.version)
    if flips is None:
        positions = [(row, col) for col, row in qr.dataPosIterator()]
        mask0 = QRUtil.getMask(0)
        flips = []
        for pattern in range(1, 8):
            mask = QRUtil.getMask(pattern)
            flips.append([(r, c) for r, c in positions if mask0(r, c) != mask(r, c)])
        _qr_flips[qr.version] = flips
    return flips


_QR_RUN = re.compile(r"0{5,}|1{5,}")


def _qr_penalty(modules: list[list[bool]]) -> int:
    """ISO/IEC 18004 §7.8.3 mask penalty: runs, 2×2 blocks, finder look-alikes, balance."""
    rows = ["".join("1" if dark else "0" for dark in row) for row in modules]
    columns = ["".join(column) for column in zip(*rows, strict=True)]
    score = 0
    for line in rows + columns:
        score += sum(len(run.group()) - 2 for run in _QR_RUN.finditer(line))  # 3 + (len - 5)
        score += 40 * (line.count("10111010000") + line.count("00001011101"))
    n = len(rows)
    pairs = (1 << (n - 1)) - 1
    ints = [int(row, 2) for row in rows]
    for upper, lower in itertools.pairwise(ints):
        vertical = ~(upper ^ lower)
        horizontal = ~(upper ^ (upper >> 1))
        score += 3 * (vertical & (vertical >> 1) & horizontal & pairs).bit_count()
    dark = sum(row.count("1") for row in rows)
    score += 10 * (abs(dark * 100 // (n * n) - 50) // 5)
    return score
