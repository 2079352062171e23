"""Reading single cells the way people fill them in, and keeping exported text inert."""

from __future__ import annotations

import datetime as dt

import pytest

from devolve.io import cells
from devolve.io.cells import CellError
from devolve.io.columns import normalise_header
from devolve.io.safe import neutralise, restore
from devolve.core.problems import ProblemCode


@pytest.mark.parametrize("text", ["=SUM(A1)", "+44 20", "-1", "@cmd", "\tx", "\rx"])
def test_formula_triggers_are_quoted_and_restored(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["Parks", "", "'quoted", 12, -3.5, None, True])
def test_other_values_pass_unchanged(value):
    assert neutralise(value) == value
    if isinstance(value, str):
        assert restore(value) == value


@pytest.mark.parametrize("raw, expected", [
    (2_000_000, 2_000_000.0), ("£2,000,000", 2_000_000.0), (" 1 250.50 ", 1250.5), ("1e3", 1000.0), (None, None),
])
def test_money(raw, expected):
    assert cells.money(raw) == expected


@pytest.mark.parametrize("raw, code", [
    ("lots", ProblemCode.VALUE_TYPE), (True, ProblemCode.VALUE_TYPE), (-1, ProblemCode.VALUE_RANGE),
    (dt.datetime(2024, 1, 1), ProblemCode.VALUE_TYPE), (float("inf"), ProblemCode.VALUE_TYPE),
])
def test_bad_money(raw, code):
    with pytest.raises(CellError) as caught:
        cells.money(raw)
    assert caught.value.code == code and caught.value.expected


@pytest.mark.parametrize("raw, expected", [(0.23, 0.23), ("23%", 0.23), ("0.5 %", 0.005), (1, 1.0), (0, 0.0)])
def test_shares(raw, expected):
    assert cells.share(raw) == pytest.approx(expected)


def test_a_bare_percentage_is_refused_with_a_hint():
    with pytest.raises(CellError, match="write 0.23 or 23%"):
        cells.share(23)
    with pytest.raises(CellError):
        cells.share("140%")


@pytest.mark.parametrize("raw, expected", [("Yes", True), ("n", False), (1, True), (0.0, False), ("TRUE", True)])
def test_yes_no(raw, expected):
    assert cells.yes_no(raw) is expected


def test_text_keeps_numbers_as_written_and_drops_control_characters():
    assert cells.text(101) == "101" and cells.text(101.0) == "101" and cells.text(1.5) == "1.5"
    assert cells.text("  Parks\x07 ") == "Parks"
    assert cells.text(dt.datetime(2024, 3, 1)) == "2024-03-01"
    assert cells.text("'=1+1") == "=1+1"


def test_choices_are_forgiving_and_canonical():
    assert cells.choice("Infrastructure Heavy", ["infrastructure-heavy"]) == "infrastructure-heavy"
    assert cells.choice("citizen-coproduction", ["citizen_coproduction"]) == "citizen_coproduction"
    with pytest.raises(CellError, match="allowed") as caught:
        cells.choice("other", ["a", "b"])
    assert caught.value.expected == "one of a, b"


@pytest.mark.parametrize("header, normal", [
    ("Annual budget (£)", "annual_budget"), (" Service-ID ", "service_id"), ("Share aged 65+ (%)",
                                                                             "share_aged_65_plus"),
    ("Statutory?", "statutory"), ("Neighborhood ID", "neighbourhood_id"), ("cost share %", "cost_share"),
])
def test_headers_normalise(header, normal):
    assert normalise_header(header) == normal
