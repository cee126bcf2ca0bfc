"""Product options (variants): parsing, the API's order lines, the file importer, siblings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from banpum.commerce.importers import ImportFailed, orders_import
from banpum.commerce.models import Product
from banpum.commerce.options import OptionsError, options_clean, options_label, options_parse
from banpum.commerce.schemas import OrderIn
from banpum.commerce.selectors import product_is_variant_of, product_siblings
from banpum.commerce.services import order_bulk_upsert
from tests.commerce.helpers import HEADER, order_data, row, write_csv
from tests.factories import ProductFactory, StoreFactory


@pytest.fixture
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("색상=검정;사이즈=M", {"색상": "검정", "사이즈": "M"}),
        (" 색상 = 검정 ; 사이즈 = M ; ", {"색상": "검정", "사이즈": "M"}),
        ("색상:검정,사이즈:M", {"색상": "검정", "사이즈": "M"}),
        ("검정/M", {"옵션1": "검정", "옵션2": "M"}),
        ("검정", {"옵션1": "검정"}),
        ("", {}),
        ("   ", {}),
    ],
)
def test_options_parse_good(text: str, expected: dict[str, str]) -> None:
    assert options_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("색상=;사이즈=M", "empty"),
        ("=검정", "pair_without_value"),
        ("색상=검정;색상=흰색", "twice"),
        ("검정//M", "empty"),
        ("a/b/c/d/e/f", "too_many"),
        ("색상=" + "x" * 51, "value_too_long"),
        ("x" * 31 + "=검정", "name_too_long"),
        ("색상=검정;사이즈", "pair_without_value"),
    ],
)
def test_options_parse_bad(text: str, kind: str) -> None:
    with pytest.raises(OptionsError) as error:
        options_parse(text)
    assert error.value.kind == kind


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (["검정"], "not_a_dict"),
        ({"색상": {"nested": "x"}}, "not_text"),
        ({"사이즈": 95}, "not_text"),
        ({"색상": " "}, "empty"),
    ],
)
def test_options_clean_refuses_what_is_not_a_flat_dict_of_short_strings(
    value: Any, kind: str
) -> None:
    with pytest.raises(OptionsError) as error:
        options_clean(value)
    assert error.value.kind == kind


def test_options_label() -> None:
    assert options_label({"색상": "검정", "사이즈": "M"}) == "검정 / M"


def _variant_lines() -> list[dict[str, Any]]:
    return [
        {
            "sku": "TS-BLK-M",
            "name": "티셔츠 검정 M",
            "quantity": 1,
            "unit_price": 15000,
            "option_group": "TS",
            "options": {"색상": "검정", "사이즈": "M"},
        },
        {
            "sku": "TS-WHT-L",
            "name": "티셔츠 흰색 L",
            "quantity": 1,
            "unit_price": 15000,
            "option_group": "TS",
            "options": "색상=흰색;사이즈=L",
        },
    ]


@pytest.mark.django_db
def test_order_lines_fill_the_products_options(store: Any, channel: Any) -> None:
    order_bulk_upsert(
        store=store, orders=[OrderIn.model_validate(order_data(lines=_variant_lines()))]
    )
    black = Product.objects.get(store=store, sku="TS-BLK-M")
    white = Product.objects.get(store=store, sku="TS-WHT-L")
    assert (black.option_group, black.options) == ("TS", {"색상": "검정", "사이즈": "M"})
    assert white.options == {"색상": "흰색", "사이즈": "L"}
    assert [p.sku for p in product_siblings(black)] == ["TS-BLK-M", "TS-WHT-L"]


@pytest.mark.django_db
def test_a_line_without_options_leaves_the_products_options(store: Any, channel: Any) -> None:
    ProductFactory(store=store, sku="TS-RED-M", option_group="TS", options={"색상": "빨강"})
    order_bulk_upsert(store=store, orders=[OrderIn.model_validate(order_data())])
    product = Product.objects.get(store=store, sku="TS-RED-M")
    assert (product.option_group, product.options) == ("TS", {"색상": "빨강"})


@pytest.mark.django_db
def test_a_line_with_options_updates_an_existing_product(store: Any, channel: Any) -> None:
    ProductFactory(store=store, sku="TS-BLK-M")
    order_bulk_upsert(
        store=store, orders=[OrderIn.model_validate(order_data(lines=_variant_lines()))]
    )
    assert Product.objects.get(store=store, sku="TS-BLK-M").option_group == "TS"


@pytest.mark.django_db
def test_api_refuses_bad_options_with_a_field_message(
    api_en: Client, store: Any, channel: Any
) -> None:
    lines = _variant_lines()
    lines[0]["options"] = {"색상": ["검정"]}
    lines[1]["options"] = "색상=흰색;색상=검정"
    response = api_en.post(
        "/api/v1/orders/bulk",
        {"orders": [order_data(lines=lines)]},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = response.json()["extra"]["fields"]
    assert fields["orders.0.lines.0.options"] == ["option '색상': names and values must be text"]
    assert fields["orders.0.lines.1.options"] == ["option '색상' is given twice"]
    assert not Product.objects.filter(store=store).exists()


def _header_with_options() -> list[str]:
    return [*HEADER, "옵션그룹", "옵션"]


@pytest.mark.django_db
def test_import_reads_option_columns(store: Any, channel: Any, tmp_path: Path) -> None:
    rows = [
        _header_with_options(),
        [*row(sku="TS-BLK-M"), "TS", "색상=검정;사이즈=M"],
        [*row(sku="TS-WHT-L", line_number="2"), "TS", "흰색/L"],
    ]
    orders_import(store=store, path=write_csv(tmp_path / "o.csv", rows))
    assert Product.objects.get(store=store, sku="TS-BLK-M").options == {
        "색상": "검정",
        "사이즈": "M",
    }
    white = Product.objects.get(store=store, sku="TS-WHT-L")
    assert (white.option_group, white.options) == ("TS", {"옵션1": "흰색", "옵션2": "L"})


@pytest.mark.django_db
@pytest.mark.usefixtures("_english")
def test_import_reports_bad_options_by_row(store: Any, channel: Any, tmp_path: Path) -> None:
    rows = [
        _header_with_options(),
        [*row(sku="TS-BLK-M"), "TS", "색상=;사이즈=M"],
        [*row(sku="TS-WHT-L", order_number="A-2"), "X" * 65, "흰색/L"],
        [*row(sku="TS-GRY-L", order_number="A-3"), "TS", "색상=회색;사이즈"],
    ]
    with pytest.raises(ImportFailed) as exc:
        orders_import(store=store, path=write_csv(tmp_path / "o.csv", rows))
    assert exc.value.errors == [
        "row 2, options: option '색상' has an empty name or value",
        "row 3, option_group: the option group is longer than 64 characters",
        "row 4, options: '사이즈' is not name=value; write 색상=검정;사이즈=M or 검정/M",
    ]
    assert not Product.objects.filter(store=store).exists()


@pytest.mark.django_db
def test_variant_of_is_the_same_product_or_a_sibling_of_the_same_store() -> None:
    store, other = StoreFactory(), StoreFactory()
    black = ProductFactory(store=store, option_group="TS")
    white = ProductFactory(store=store, option_group="TS")
    cap = ProductFactory(store=store, option_group="CAP")
    loose = ProductFactory(store=store)
    elsewhere = ProductFactory(store=other, option_group="TS")
    assert product_is_variant_of(black, black)
    assert product_is_variant_of(white, black)
    assert not product_is_variant_of(cap, black)
    assert not product_is_variant_of(elsewhere, black)
    assert not product_is_variant_of(black, loose)
    assert list(product_siblings(loose)) == [loose]
