"""Building blocks for the warehouse tests: a fixed clock, returns at every stage, images."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import Action, return_transition
from tests.returns.helpers import PATH_TO, SATISFYING_MOVE, open_return

SEOUL = ZoneInfo("Asia/Seoul")
WORKER = Actor.system("warehouse:kim")


def at(day: int, hour: int = 10, minute: int = 0, month: int = 7) -> dt.datetime:
    """A moment in July 2026, Seoul time: the 3rd is a Friday, the 6th a Monday."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SEOUL)


def walk(return_request: ReturnRequest, status: S, now: dt.datetime) -> ReturnRequest:
    """Move a fresh return to ``status`` by the table, every move at ``now``."""
    for action in PATH_TO[status]:
        return_request = return_transition(
            return_request=return_request,
            action=action,
            actor=WORKER,
            move=SATISFYING_MOVE,
            now=now,
        )
    return return_request


def received_return(order: Order, lines: Any = ((1, 1),), **kwargs: Any) -> ReturnRequest:
    """A return walked to ``received`` (scanned in without any pickup)."""
    return walk(open_return(order, lines, **kwargs), S.RECEIVED, at(6))


def arrive(return_request: ReturnRequest, now: dt.datetime) -> ReturnRequest:
    return return_transition(
        return_request=return_request, action=Action.ARRIVE, actor=WORKER, now=now
    )


def png_with_exif(size: tuple[int, int] = (40, 20)) -> bytes:
    image = Image.new("RGB", size, (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 120, 0)).save(out, "JPEG")
    return out.getvalue()
