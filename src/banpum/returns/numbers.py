"""Return numbers: ``<store code>-<YYMM>-<6 random characters>``, e.g. ``DM-2611-7K3Q9X``.

The store code names the store on a scanned label (a warehouse may serve several); the random
part reveals no store's volume (a sequence would) and needs no shared counter row, so creating
a return takes no lock beyond its order's. The alphabet is Crockford's base 32 (no I, L, O, U),
so a number read aloud or typed by hand survives: reading normalizes case, hyphens, spaces and
the look-alikes O→0, I/L→1. 32⁶ ≈ 10⁹ numbers per store and month make a collision rare; the
unique constraint catches it and the caller draws again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from zoneinfo import ZoneInfo

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 6
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_COMPACT = re.compile(r"^(?P<code>[A-Z0-9]{2,4})(?P<month>\d{4})(?P<tail>[A-Z0-9]{6})$")


def return_number_new(*, store_code: str, now: dt.datetime, timezone: str) -> str:
    month = now.astimezone(ZoneInfo(timezone)).strftime("%y%m")
    tail = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{store_code}-{month}-{tail}"


def return_number_normalize(text: str) -> str:
    """The stored spelling of a number as someone typed or scanned it (``dm2611 7k3q9x``);
    the text upper-cased and trimmed when it is not one of ours (older ``R2611-0000123``)."""
    raw = text.strip().upper()
    parts = [part for part in re.split(r"[\s\-_]+", raw) if part]
    # Separated as ours are (code, month, random part), or not at all.
    match = _COMPACT.match("".join(parts)) if len(parts) in (1, 3) else None
    if match is None or (len(parts) == 3 and parts[1] != match["month"]):
        return raw
    tail = match["tail"].translate(_LOOK_ALIKES)
    return f"{match['code']}-{match['month']}-{tail}"
