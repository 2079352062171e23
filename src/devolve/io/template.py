"""The blank, styled input template: what ``devolve template`` writes for a team to fill in.

Everything in it comes from the column table in :mod:`devolve.io.columns` and the settings
table in :mod:`devolve.core.scenario`, so the template, its README sheet, the reader and
``docs/input-format.md`` cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devolve.core.rubric import Rubric
from devolve.core.scenario import SETTINGS, Setting, template_values
from devolve.core.terms import Kind
from devolve.io.columns import (
    COLUMNS,
    SCENARIO,
    SHEET_PURPOSE,
    SHEETS,
    Column,
    allowed_text,
    choices,
    meaning_text,
)
from devolve.io.toml import load_rubric
from devolve.io.write import scenario_row_kinds
from devolve.io.xlsx import HEADER_FILL, HEADER_FONT, MONEY_FORMAT, SHARE_FORMAT, put_value, save_atomically, write_table

README = "README"
LISTS = "Lists"
INPUT_ROWS = 1000
"""Rows below the header that get drop-downs and checks."""
_INLINE_LIST_LIMIT = 255
"""Excel refuses an in-cell list longer than this; longer lists go on a hidden Lists sheet."""


def readme_rows(rubric: Rubric) -> list[list[str]]:
    """The README sheet's table: one row per column of every sheet, then one per setting."""
    rows: list[list[str]] = []
    for sheet in SHEETS:
        for col in COLUMNS[sheet]:
            rows.append([sheet, col.key, "yes" if col.required else "no", meaning_text(col, rubric),
                         allowed_text(col, rubric) or _kind_words(col), col.blank or "—"])
    for spec in SETTINGS:
        rows.append([f"{SCENARIO} setting", spec.key, "no", spec.meaning, _setting_allowed(spec, rubric),
                     spec.default])
    return rows


README_HEADERS = ["sheet", "column", "required", "what it means", "what to enter", "if left blank"]


def write_template(path: str | Path, rubric: Rubric | None = None) -> None:
    """Write a blank input workbook with headers, drop-downs, hints and a README sheet."""
    import openpyxl
    from openpyxl.comments import Comment

    rubric = rubric if rubric is not None else load_rubric()
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    lists = _Lists(workbook)

    readme = workbook.create_sheet(README)
    _write_readme(readme, rubric)

    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet)
        columns = COLUMNS[sheet]
        if sheet == SCENARIO:
            values = template_values(rubric)
            rows = [[spec.key, values.get(spec.key), spec.meaning] for spec in SETTINGS]
            write_table(ws, [c.key for c in columns], rows, None, [c.width for c in columns], scenario_row_kinds)
            _scenario_checks(ws, rubric, lists)
        else:
            write_table(ws, [c.key for c in columns], [], [c.kind for c in columns], [c.width for c in columns])
            for j, col in enumerate(columns, start=1):
                _column_check(ws, sheet, j, col, rubric, lists)
                _format_column(ws, j, col)
        for j, col in enumerate(columns, start=1):
            hint = _hint(col, rubric)
            comment = Comment(hint, "devolve")
            comment.width, comment.height = 320, 40 + 16 * (len(hint) // 45)
            ws.cell(row=1, column=j).comment = comment
    workbook.active = 0
    save_atomically(workbook, Path(path))


def _write_readme(ws: Any, rubric: Rubric) -> None:
    from openpyxl.styles import Alignment, Font

    intro = [
        ["devolve input workbook"],
        [f"Scored against: {rubric.name}. Fill in the sheets below; only Services is required. "
         "Headers are matched forgivingly (case, spaces, a unit such as (£)). Extra columns are kept. "
         "Check the file with: devolve validate FILE.xlsx"],
        *([f"{sheet}: {SHEET_PURPOSE[sheet]}"] for sheet in SHEETS),
        [f"Scores: whole numbers from {rubric.scale_min} to {rubric.scale_max}; {rubric.neutral} means no "
         "better or worse than today's scale."],
        *([f"{c.value}: " + " · ".join(f"{lv.value} {lv.label}" for lv in rubric.criteria[c].levels)]
          for c in rubric.criteria),
        [],
    ]
    for r, row in enumerate(intro, start=1):
        for j, value in enumerate(row, start=1):
            put_value(ws.cell(row=r, column=j), value)
    ws["A1"].font = Font(bold=True, size=14)
    for r in range(2, len(intro)):
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=False)
    start = len(intro) + 1
    _table_at(ws, start, README_HEADERS, readme_rows(rubric), [18, 30, 10, 60, 45, 40])
    ws.freeze_panes = None


def _table_at(ws: Any, start: int, headers: list[str], rows: list[list[str]], widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter


    for j, h in enumerate(headers, start=1):
        cell = ws.cell(row=start, column=j)
        put_value(cell, h)
        cell.font = Font(bold=True, color=HEADER_FONT)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for i, row in enumerate(rows, start=start + 1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            put_value(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.auto_filter.ref = f"A{start}:{get_column_letter(len(headers))}{start + len(rows)}"


class _Lists:
    """Drop-down lists: written into the rule when short, else onto a hidden sheet."""

    def __init__(self, workbook: Any):
        self.workbook = workbook
        self.sheet: Any = None

    def formula(self, options: tuple[str, ...]) -> str:
        inline = ",".join(options)
        if len(inline) + 2 <= _INLINE_LIST_LIMIT and '"' not in inline:
            return f'"{inline}"'
        from openpyxl.utils import get_column_letter

        if self.sheet is None:
            self.sheet = self.workbook.create_sheet(LISTS)
            self.sheet.sheet_state = "hidden"
        col = self.sheet.max_column + 1 if self.sheet.max_row > 1 or self.sheet["A1"].value else 1
        for i, option in enumerate(options, start=1):
            self.sheet.cell(row=i, column=col, value=option)
        letter = get_column_letter(col)
        return f"{LISTS}!${letter}$1:${letter}${len(options)}"


def _validation(formula: str, *, strict: bool, prompt: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.showErrorMessage = strict
    dv.errorTitle = "Not an allowed value"
    dv.error = prompt[:255]
    dv.promptTitle = "devolve"
    dv.prompt = prompt[:255]
    dv.showInputMessage = True
    return dv


def _column_check(ws: Any, sheet: str, j: int, col: Column, rubric: Rubric, lists: _Lists) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(j)
    cells = f"{letter}2:{letter}{INPUT_ROWS + 1}"
    options = choices(sheet, col, rubric)
    if options:
        # Lists of keys (outcomes) take several values separated by semicolons: suggest, don't enforce.
        strict = col.kind != Kind.KEYS
        dv = _validation(lists.formula(options), strict=strict, prompt=_hint(col, rubric))
    elif col.kind == Kind.SHARE:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
        dv.error, dv.errorTitle = "Enter a share from 0 to 1, or a percentage such as 23%.", "Not a share"
    elif col.kind in (Kind.MONEY, Kind.NUMBER):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error, dv.errorTitle = "Enter a number, 0 or more.", "Not a number"
    elif col.kind == Kind.WHOLE:
        minimum = str(col.minimum)
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=minimum, allow_blank=True)
        dv.error, dv.errorTitle = f"Enter a whole number, {minimum} or more.", "Not a whole number"
    else:
        return
    ws.add_data_validation(dv)
    dv.add(cells)


def _format_column(ws: Any, j: int, col: Column) -> None:
    from openpyxl.utils import get_column_letter


    fmt = {Kind.MONEY: MONEY_FORMAT, Kind.SHARE: SHARE_FORMAT}.get(col.kind)
    if fmt is None:
        return
    # A column style, not formatted empty cells: the sheet stays one row long, so a program
    # appending rows (or a person pressing Ctrl+Down) lands right under the header.
    ws.column_dimensions[get_column_letter(j)].number_format = fmt


def _scenario_checks(ws: Any, rubric: Rubric, lists: _Lists) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for r, spec in enumerate(SETTINGS, start=2):
        options = spec.choices(rubric) if spec.choices else ()
        if options:
            strict = spec.kind != Kind.KEYS
            dv = _validation(lists.formula(options), strict=strict, prompt=spec.meaning)
        elif spec.kind == Kind.SHARE:
            dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
            dv.error, dv.errorTitle = "Enter a share from 0 to 1.", "Not a share"
        elif spec.kind == Kind.WHOLE:
            minimum = int(spec.minimum or 0)
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(minimum), allow_blank=True)
            dv.error, dv.errorTitle = f"Enter a whole number, {minimum} or more.", "Not a whole number"
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(f"B{r}")


def _hint(col: Column, rubric: Rubric) -> str:
    parts = [meaning_text(col, rubric)]
    allowed = allowed_text(col, rubric)
    if allowed:
        parts.append(f"Enter {allowed}.")
    parts.append("Required." if col.required else f"Blank means: {col.blank or 'nothing'}.")
    return " ".join(parts)


def _kind_words(col: Column) -> str:
    return {Kind.TEXT: "text", Kind.ID: "text"}.get(col.kind, col.kind.value)


def _setting_allowed(spec: Setting, rubric: Rubric) -> str:
    options = spec.choices(rubric) if spec.choices else ()
    if options:
        joined = ", ".join(options)
        return f"keys separated by commas: {joined}" if spec.kind == Kind.KEYS else f"one of {joined}"
    return {
        Kind.TEXT: "text",
        Kind.MONEY: "a number of pounds, 0 or more",
        Kind.SHARE: "0 to 1, or a percentage",
        Kind.WHOLE: f"a whole number, {int(spec.minimum or 0)} or more",
        Kind.NUMBER: spec.allowed or spec.expected or "a number",
    }.get(spec.kind, spec.kind.value)


def markdown_tables(rubric: Rubric | None = None) -> str:
    """The README sheet's table as Markdown, one table per sheet, for docs/input-format.md."""
    rubric = rubric if rubric is not None else load_rubric()
    rows = readme_rows(rubric)
    parts: list[str] = []
    for sheet in [*SHEETS, f"{SCENARIO} setting"]:
        title = "Scenario settings" if sheet.endswith("setting") else f"{sheet} sheet"
        header = ["setting", "what it means", "what to enter", "if left blank"] if sheet.endswith("setting") \
            else ["column", "required", "what it means", "what to enter", "if left blank"]
        lines = [f"#### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in rows:
            if row[0] != sheet:
                continue
            cells = [f"`{row[1]}`"] + ([] if sheet.endswith("setting") else [row[2]]) + row[3:]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
