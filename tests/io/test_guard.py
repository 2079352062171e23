"""Hostile and broken files are refused with a located problem and no traceback; the dangerous
ones before any parser sees them (how fast is the benchmark's business, not a test's).

Every file is built here in tmp_path; nothing binary is committed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from devolve.core.problems import ProblemCode, Severity
from devolve.io import grid, guard
from devolve.io.columns import SERVICE_COLUMNS
from devolve.io.read import find_problems

SERVICE_HEADERS = [c.key for c in SERVICE_COLUMNS]
REFUSED_BY_THE_GUARD = {ProblemCode.FILE_EMPTY, ProblemCode.FILE_NOT_WORKBOOK, ProblemCode.FILE_MACROS,
                        ProblemCode.FILE_TOO_LARGE, ProblemCode.FILE_ZIP_BOMB, ProblemCode.FILE_XML_UNSAFE}


def _valid(tmp_path: Path, name: str = "good.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    ws.append(SERVICE_HEADERS)
    ws.append(["ENV01", "Parks", "Place", "infrastructure-heavy", 2_000_000, "no", None, None])
    path = tmp_path / name
    wb.save(path)
    return path


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None],
             add: dict[str, bytes] | None = None) -> Path:
    """Copy a workbook's parts, changing (or dropping, when change returns None) some of them."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n')


def _with_entities(name: str, data: bytes) -> bytes:
    if name == "xl/worksheets/sheet1.xml":
        return LAUGHS + data.split(b"?>", 1)[-1]
    return data


def _utf16_entities(name: str, data: bytes) -> bytes:
    if name == "xl/workbook.xml":
        body = data.decode("utf-8").split("?>", 1)[-1]
        return ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                + body).encode("utf-16")
    return data


def _huge_dimension(name: str, data: bytes) -> bytes:
    if name == "xl/worksheets/sheet1.xml":
        # openpyxl writes '<dimension ref="A1:I2"/>' with lxml and '... />' without it
        data, count = re.subn(rb'<dimension ref="A1:I2"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data)
        assert count == 1
        return data
    return data


def _macro_content_type(name: str, data: bytes) -> bytes:
    if name == "[Content_Types].xml":
        return data.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    return data


def _garbage_workbook_xml(name: str, data: bytes) -> bytes:
    return b"<workbook><sheets><sheet name=" if name == "xl/workbook.xml" else data


def _bomb(path: Path, size: int, entries: int = 1) -> Path:
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(entries):
            with z.open(f"xl/worksheets/sheet{i + 1}.xml", "w", force_zip64=True) as part:
                for _ in range(size // len(chunk)):
                    part.write(chunk)
    return path


def _many_entries(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(guard.MAX_ENTRIES + 1):
            z.writestr(f"xl/media/{i}.xml", b"")
    return path


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<document/>")
    return path


def _sized(path: Path, size: int, head: bytes = b"") -> Path:
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)  # sparse: quick to make however large
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], ProblemCode]] = {
    "empty": (lambda d: _sized(d / "input.xlsx", 0), ProblemCode.FILE_EMPTY),
    "pdf renamed": (lambda d: _sized(d / "input.xlsx", 2000, b"%PDF-1.7\n"), ProblemCode.FILE_NOT_WORKBOOK),
    "text renamed": (lambda d: _sized(d / "input.xlsx", 12, b"service_id,x"), ProblemCode.FILE_NOT_WORKBOOK),
    "old xls renamed": (lambda d: _sized(d / "input.xlsx", 4096, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
                        ProblemCode.FILE_NOT_WORKBOOK),
    "truncated zip": (lambda d: _sized(d / "input.xlsx", 300, _valid(d).read_bytes()[:300]),
                      ProblemCode.FILE_NOT_WORKBOOK),
    "word document": (lambda d: _docx(d / "input.xlsx"), ProblemCode.FILE_NOT_WORKBOOK),
    "unknown extension": (lambda d: _valid(d, "input.numbers"), ProblemCode.FILE_NOT_WORKBOOK),
    "xls extension": (lambda d: _sized(d / "input.xls", 10, b"x"), ProblemCode.FILE_NOT_WORKBOOK),
    "xlsm name": (lambda d: _valid(d, "input.xlsm"), ProblemCode.FILE_MACROS),
    "vbaProject inside": (lambda d: _rewrite(_valid(d), d / "input.xlsx", lambda n, b: b,
                                             {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), ProblemCode.FILE_MACROS),
    "macro sheet inside": (lambda d: _rewrite(_valid(d), d / "input.xlsx", lambda n, b: b,
                                              {"xl/macrosheets/sheet1.xml": b"<xm/>"}), ProblemCode.FILE_MACROS),
    "macro-enabled content type": (lambda d: _rewrite(_valid(d), d / "input.xlsx", _macro_content_type),
                                   ProblemCode.FILE_MACROS),
    "too large": (lambda d: _sized(d / "input.xlsx", guard.MAX_FILE_BYTES + 1, b"PK\x03\x04"),
                  ProblemCode.FILE_TOO_LARGE),
    "zip bomb by total": (lambda d: _bomb(d / "input.xlsx", 105 * 1024 * 1024, entries=2),
                          ProblemCode.FILE_ZIP_BOMB),
    "zip bomb by ratio": (lambda d: _bomb(d / "input.xlsx", 4 * 1024 * 1024), ProblemCode.FILE_ZIP_BOMB),
    "too many parts": (lambda d: _many_entries(d / "input.xlsx"), ProblemCode.FILE_ZIP_BOMB),
    "billion laughs": (lambda d: _rewrite(_valid(d), d / "input.xlsx", _with_entities),
                       ProblemCode.FILE_XML_UNSAFE),
    "external entity in utf-16": (lambda d: _rewrite(_valid(d), d / "input.xlsx", _utf16_entities),
                                  ProblemCode.FILE_XML_UNSAFE),
    "absurd dimension": (lambda d: _rewrite(_valid(d), d / "input.xlsx", _huge_dimension),
                         ProblemCode.SHEET_TOO_LARGE),
    "damaged workbook xml": (lambda d: _rewrite(_valid(d), d / "input.xlsx", _garbage_workbook_xml),
                             ProblemCode.FILE_UNREADABLE),
    "workbook renamed csv": (lambda d: _valid(d).rename(d / "input.csv"), ProblemCode.FILE_NOT_WORKBOOK),
    "binary csv": (lambda d: _sized(d / "input.csv", 64, b"\x00\x01\x02binary"), ProblemCode.FILE_NOT_WORKBOOK),
    "blank csv": (lambda d: _sized(d / "input.csv", 3, b"\n\n\n"), ProblemCode.FILE_EMPTY),
}


@pytest.fixture(params=sorted(HOSTILE), ids=str)
def hostile(request, tmp_path) -> tuple[Path, ProblemCode]:
    make, code = HOSTILE[request.param]
    return make(tmp_path), code


def test_hostile_file_is_refused_with_a_located_problem(hostile, rubric, monkeypatch):
    path, code = hostile
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or real(*a, **k))
    report = find_problems(path, rubric)
    if code in REFUSED_BY_THE_GUARD:
        assert opened == []  # refused on its size, bytes and zip directory alone
    assert not report.ok
    assert [p.code for p in report.errors] == [code], [str(p) for p in report.problems]
    problem = report.errors[0]
    assert problem.file == path.name and problem.message
    if code == ProblemCode.SHEET_TOO_LARGE:
        assert problem.sheet == "Services"


def test_devolve_validate_exits_2_without_a_traceback(hostile, devolve, capsys):
    path, code = hostile
    assert devolve(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code.value not in out  # codes are for programs; people read the message
    assert out.strip().splitlines()[-1].startswith(f"{path.name}: 1 error")


def test_a_real_process_shows_no_traceback_for_a_zip_bomb(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 105 * 1024 * 1024, entries=2)
    done = subprocess.run([sys.executable, "-m", "devolve.cli", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "unpacks to 210 MB" in done.stdout


def test_rows_beyond_the_cap_are_refused(make_workbook, monkeypatch, rubric, tmp_path):
    monkeypatch.setattr(grid, "MAX_ROWS", 20)
    rows = [SERVICE_HEADERS] + [[f"S{i}", "x", "y", "personal", 1, "no", None, None, None] for i in range(30)]
    declared = find_problems(make_workbook({"Services": rows}), rubric).errors  # by the <dimension>
    assert [(p.code, p.sheet, p.row) for p in declared] == [(ProblemCode.SHEET_TOO_LARGE, "Services", None)]
    csv = tmp_path / "long.csv"  # no <dimension> to go by: counted while reading
    csv.write_text("\n".join(",".join(str(v or "") for v in r) for r in rows), encoding="utf-8")
    counted = find_problems(csv, rubric).errors
    assert [(p.code, p.sheet, p.row) for p in counted] == [(ProblemCode.SHEET_TOO_LARGE, "Services", 22)]


def test_a_wrong_dimension_does_not_hide_cells(tmp_path, rubric):
    """Some programs write a too-small <dimension>; read-only openpyxl would drop cells beyond it."""
    def shrink(name: str, data: bytes) -> bytes:
        return data.replace(b'<dimension ref="A1:H2"/>', b'<dimension ref="A1:B1"/>') \
            if name == "xl/worksheets/sheet1.xml" else data

    path = _rewrite(_valid(tmp_path), tmp_path / "input.xlsx", shrink)
    report = find_problems(path, rubric)
    assert report.ok, [str(p) for p in report.errors]


def test_formulas_are_noticed_by_the_guard(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.save(tmp_path / "f.xlsx")
    assert guard.check_file(tmp_path / "f.xlsx").has_formulas
    assert not guard.check_file(_valid(tmp_path)).has_formulas


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path, rubric):
    report = find_problems(tmp_path / "nowhere.xlsx", rubric)
    assert [p.code for p in report.errors] == [ProblemCode.FILE_UNREADABLE]
    assert report.errors[0].severity == Severity.ERROR


def test_an_xlsx_named_xls_is_told_to_rename_it_not_that_it_is_the_old_format(tmp_path):
    renamed = tmp_path / "council.xls"
    renamed.write_bytes(_valid(tmp_path).read_bytes())
    (problem,) = guard.check_file(renamed).problems
    assert "with a name ending .xls" in problem.message and "renamed to end in .xlsx" in problem.expected
    old = _sized(tmp_path / "old.xls", 4096, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (problem,) = guard.check_file(old).problems
    assert "Excel 97-2003" in problem.message
