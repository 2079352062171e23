"""Reading one cell as people actually fill them in.

Each reader takes what openpyxl or the csv module gave (a number, text, a boolean, a date or
None) and returns a clean Python value, or raises :class:`CellError` saying what was expected.
Callers add the location (file, sheet, row, column), so these stay small and pure.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Iterable

from devolve.io.safe import printable, restore
from devolve.core.problems import ProblemCode

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0"})


class CellError(ValueError):
    """A cell that cannot be read as its column requires."""

    def __init__(self, code: ProblemCode, message: str, expected: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.expected = expected


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


ERROR_VALUES = {
    "#N/A": "usually a failed lookup (VLOOKUP, XLOOKUP or MATCH found nothing)",
    "#REF!": "a formula refers to cells that were deleted or moved",
    "#DIV/0!": "a formula divides by zero or by a blank cell",
    "#VALUE!": "a formula was given the wrong kind of value, such as text where a number belongs",
    "#NAME?": "a formula uses a function or name the spreadsheet does not know",
    "#NUM!": "a formula's result is not a number the spreadsheet can hold",
    "#NULL!": "a formula's ranges do not meet",
    "#SPILL!": "a formula's results have no room to spill into",
    "#CALC!": "a formula could not be calculated",
    "#GETTING_DATA": "the value was still being fetched when the file was saved",
}
"""Excel's error values, with what usually causes each, in a council officer's words."""

_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")


def error_value(raw: object) -> CellError | None:
    """The problem with a cell holding a spreadsheet's error value (Excel's #N/A, LibreOffice's
    Err:502), or None. Such a cell is a formula that failed, never text to keep."""
    if not isinstance(raw, str):
        return None
    word = raw.strip().upper()
    expected = "the value the formula should give: correct the formula, or type the value in"
    if word in ERROR_VALUES:
        return CellError(ProblemCode.ERROR_VALUE, f"{word}: {ERROR_VALUES[word]}", expected)
    if _LIBREOFFICE_ERROR.match(raw.strip()):
        return CellError(ProblemCode.ERROR_VALUE, f"{raw.strip()}: a LibreOffice formula error", expected)
    return None


def invisible(raw: object) -> tuple[str, ...]:
    """The invisible characters in a text cell (zero-width spaces, byte-order marks, direction
    marks), by name: pasted from web pages and e-mails, they make 'ASC05' differ from 'ASC05'."""
    if not isinstance(raw, str):
        return ()
    names = dict.fromkeys(f"{unicodedata.name(c, 'an unnamed format character').lower()} (U+{ord(c):04X})"
                          for c in raw if unicodedata.category(c) == "Cf")
    return tuple(names)


def _visible(value: str) -> str:
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def text(raw: object) -> str | None:
    """Any cell as trimmed text; blank is None. Numbers keep their written form (101, not 101.0)."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, (dt.date, dt.time)):
        return raw.isoformat()
    return restore(printable(_visible(str(raw)).strip())) or None


def plain(raw: object) -> str | float | int | bool | None:
    """A value kept as given (an unknown column, an unknown setting): numbers stay numbers."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        return raw if math.isfinite(raw) else str(raw)
    return text(raw)


_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def number(raw: object, expected: str = "a number") -> float | None:
    """A number, forgiving of pound signs, thousands commas and spaces in text cells."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellError(ProblemCode.VALUE_TYPE, "a yes/no value where a number belongs", expected)
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        if isinstance(raw, (dt.date, dt.time)):
            raise CellError(ProblemCode.VALUE_TYPE, "a date where a number belongs", expected)
        s = str(raw).strip().replace("£", "").replace(",", "").replace(" ", "").replace("\u00a0", "")
        if not _NUMBER.match(s):
            raise CellError(ProblemCode.VALUE_TYPE, "text where a number belongs", expected)
        value = float(s)
    if not math.isfinite(value):
        raise CellError(ProblemCode.VALUE_TYPE, "not a finite number", expected)
    return value


def at_least(value: float | None, minimum: float, expected: str, *, strict: bool = False) -> float | None:
    if value is None:
        return None
    if value < minimum or (strict and value == minimum):
        word = "more than" if strict else "at least"
        raise CellError(ProblemCode.VALUE_RANGE, f"the value must be {word} {minimum:g}", expected)
    return value


def money(raw: object) -> float | None:
    expected = "a number of pounds, 0 or more"
    return at_least(number(raw, expected), 0, expected)


def whole(raw: object, minimum: int, expected: str) -> int | None:
    value = number(raw, expected)
    if value is None:
        return None
    if not value.is_integer():
        raise CellError(ProblemCode.VALUE_TYPE, "a fraction where a whole number belongs", expected)
    at_least(value, minimum, expected)
    return int(value)


def share(raw: object) -> float | None:
    """A share from 0 to 1. Text like '23%' is divided by 100; a bare 23 is refused, because
    nothing says whether 23 per cent or 2,300 per cent was meant. Excel stores a cell shown as
    135% as 1.35, so the advice for a number over 1 names both readings."""
    expected = "a share from 0 to 1, such as 0.23, or a percentage such as 23%"
    percent = isinstance(raw, str) and raw.strip().endswith("%")
    if percent:
        value = number(str(raw).strip()[:-1], expected)
        value = None if value is None else value / 100
    else:
        value = number(raw, expected)
    if value is None:
        return None
    if percent and value > 1:
        raise CellError(ProblemCode.VALUE_RANGE, f"{str(raw).strip()} is more than the whole: a share is at "
                        "most 100%", expected)
    if 1 < value <= 100:
        raise CellError(
            ProblemCode.VALUE_RANGE,
            f"shares run from 0 to 1, so {value:g} is more than the whole (a cell formatted as a percentage "
            f"shows it as {value * 100:g}%); for {value:g} per cent write {value / 100:g} or {value:g}%",
            expected,
        )
    if not 0 <= value <= 1:
        raise CellError(ProblemCode.VALUE_RANGE, "shares run from 0 to 1", expected)
    return value


def yes_no(raw: object) -> bool | None:
    expected = "yes or no"
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(ProblemCode.VALUE_CHOICE, "not a yes/no answer", expected)


def choice_key(text_value: str) -> str:
    """Compare choices the way people mistype them: case, spaces, hyphens and underscores."""
    return re.sub(r"[\s_\-]+", "_", text_value.strip().lower())


def choice(raw: object, allowed: Iterable[str]) -> str | None:
    """One of a fixed list, matched forgivingly and returned in its canonical spelling."""
    options = list(allowed)
    value = text(raw)
    if value is None:
        return None
    found = {choice_key(o): o for o in options}.get(choice_key(value))
    if found is None:
        raise CellError(ProblemCode.VALUE_CHOICE, "not one of the allowed values", "one of " + ", ".join(options))
    return found


def level(raw: object, scale_min: int, scale_max: int) -> int | None:
    """A score on the rubric's anchored scale."""
    expected = f"a whole number from {scale_min} to {scale_max}"
    value = number(raw, expected)
    if value is None:
        return None
    if not value.is_integer():
        raise CellError(ProblemCode.VALUE_TYPE, "scores are whole levels of the rubric", expected)
    if not scale_min <= value <= scale_max:
        raise CellError(ProblemCode.VALUE_RANGE, "the score is off the rubric's scale", expected)
    return int(value)


def items(raw: object, separators: str = ";,") -> tuple[str, ...]:
    """A list written in one cell: 'a; b; c' -> ('a', 'b', 'c'); blank -> ()."""
    value = text(raw)
    if value is None:
        return ()
    parts = re.split("[" + re.escape(separators) + "]", value)
    return tuple(p.strip() for p in parts if p.strip())
