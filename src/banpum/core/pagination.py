"""One cursor pagination for every API list: a documented page size, and tampered cursors refused.

Ninja's ``CursorPagination`` clamps ``page_size`` silently and fails with a 500 when a cursor's
position is not a value of the ordering field (``?cursor=cD1hYmM=`` is ``p=abc``). Here a page
size outside 1..200 and a cursor that was not produced by the API are a 422.

No ``from __future__ import annotations``: ninja reads these annotations at runtime.
"""

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import CursorPagination
from pydantic import ValidationError as PydanticValidationError

from banpum.core.schemas import EARLIEST, LATEST

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_INT64 = 2**63


def _invalid_cursor() -> NinjaValidationError:
    return NinjaValidationError(
        [{"loc": ("query", "cursor"), "type": "invalid_cursor", "msg": "invalid cursor"}]
    )


# The two query parameters of every page, for ninja's paginated lists and for the lists that
# page a computed queue themselves (``page_of_list``).
PageSizeParam = Annotated[
    int | None,
    Field(
        default=None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, 1 to {MAX_PAGE_SIZE}; default {PAGE_SIZE}",
    ),
]
CursorParam = Annotated[
    str | None,
    Field(default=None, description="The `next` or `previous` link's cursor; omit for page one"),
]


class PageQuery(Schema):
    page_size: PageSizeParam = None
    cursor: CursorParam = None


class _PageInput(CursorPagination.Input):
    page_size: PageSizeParam = None
    cursor: CursorParam = None


class _CheckedCursor(CursorPagination.Cursor):
    @classmethod
    def from_encoded_param(cls, encoded_param: str | None, context: Any = None) -> Any:
        try:
            return super().from_encoded_param(encoded_param, context)
        except (NinjaValidationError, PydanticValidationError, ValueError, UnicodeError):
            raise _invalid_cursor() from None


class Pages(CursorPagination):
    """Keyset pages over a queryset, ordered by ``ordering`` (its first field is the position)."""

    Input = _PageInput
    Cursor = _CheckedCursor

    def __init__(self, *, ordering: tuple[str, ...] = ("-id",), **kwargs: Any) -> None:
        kwargs.setdefault("page_size", PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(ordering=ordering, **kwargs)

    def _find_position(self, queryset: QuerySet[Any], cursor: Any) -> QuerySet[Any]:
        if cursor.p is not None:
            field = queryset.model._meta.get_field(self._order_attribute)
            try:
                value = field.to_python(cursor.p)
            except (DjangoValidationError, ValueError, TypeError, OverflowError):
                raise _invalid_cursor() from None
            if isinstance(value, int) and not -_INT64 <= value < _INT64:
                raise _invalid_cursor()
            if isinstance(value, dt.datetime) and not (
                EARLIEST <= value.replace(tzinfo=None) <= LATEST
            ):
                raise _invalid_cursor()
        return super()._find_position(queryset, cursor)


T = TypeVar("T")


def page_of_list(
    items: Sequence[T], request: HttpRequest, *, page_size: int | None, cursor: str | None
) -> tuple[list[T], str | None, str | None]:
    """One page of a list computed in Python (a queue built from several queries).

    The cursor is an offset into the list, encoded like the queryset cursors so clients follow
    ``next``/``previous`` links the same way.
    """
    size = page_size or PAGE_SIZE
    offset = 0
    if cursor:
        try:
            decoded = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
            offset = int(parse.parse_qs(decoded, strict_parsing=True)["o"][0])
        except (ValueError, UnicodeError, KeyError, IndexError, binascii.Error):
            raise _invalid_cursor() from None
        if not 0 <= offset <= len(items):
            raise _invalid_cursor()

    def link(at: int) -> str:
        url = request.build_absolute_uri()
        scheme, netloc, path, query, fragment = parse.urlsplit(url)
        params = parse.parse_qs(query, keep_blank_values=True)
        params["cursor"] = [base64.b64encode(f"o={at}".encode("ascii")).decode("ascii")]
        query = parse.urlencode(sorted(params.items()), doseq=True)
        return parse.urlunsplit((scheme, netloc, path, query, fragment))

    page = list(items[offset : offset + size])
    following = link(offset + size) if offset + size < len(items) else None
    preceding = link(max(offset - size, 0)) if offset > 0 else None
    return page, following, preceding
