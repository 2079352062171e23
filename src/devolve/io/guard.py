"""Refusing dangerous or hopeless files before any parser sees them.

An xlsx (or LibreOffice .ods) file is a zip of XML parts. A 1 MB upload can declare hundreds of megabytes inside
(a zip bomb) and keep openpyxl busy for minutes; an XML part can declare entities that expand
without end; a workbook can carry macros. Everything here looks only at the zip's directory
and streams raw bytes with fixed limits, so a hostile file is refused in well under a second
and nothing in it is ever interpreted.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from devolve.core.problems import Problem, ProblemCode

MAX_FILE_BYTES = 25 * 1024 * 1024
"""Largest upload read: far above any real council's inventory (the sample is ~30 kB)."""
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""Largest total a workbook may declare once unzipped."""
MAX_ENTRIES = 5_000
"""Most parts a workbook may hold; a real one has a few dozen."""
MAX_RATIO = 200
"""Highest compression ratio allowed for a part over :data:`RATIO_FLOOR_BYTES`."""
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ROWS = 100_000
"""Most rows read from one sheet (England has about 8,700 wards; the LGSL a few hundred services)."""
MAX_COLUMNS = 200

WORKBOOK_SUFFIXES = (".xlsx", ".xltx")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
CSV_SUFFIXES = (".csv",)
ODS_SUFFIXES = (".ods", ".ots")
FLAT_ODS_SUFFIXES = (".fods",)
ODS_SAVE_AS = ("an .xlsx or .ods file: in LibreOffice Calc choose File > Save As..., set 'File type' to "
               "'Excel 2007-365 (.xlsx)', click Save, then 'Use Excel 2007-365!'")
"""The exact steps that turn a spreadsheet devolve cannot read into one it can."""
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1024 * 1024


def _encodings(word: bytes) -> tuple[bytes, ...]:
    text = word.decode("ascii")
    return (word, text.encode("utf-16-le"), text.encode("utf-16-be"))


_UNSAFE_XML = _encodings(b"<!DOCTYPE") + _encodings(b"<!ENTITY")
_OVERLAP = max(len(n) for n in _UNSAFE_XML) - 1


@dataclass(frozen=True)
class Checked:
    """What the guard learned: how to read the file, or the problems that stop it being read."""

    kind: str | None
    """'xlsx', 'ods' or 'csv' when the file may be read; None when it must not."""
    problems: tuple[Problem, ...] = ()
    has_formulas: bool = False
    """Some worksheet holds a formula: a blank cell may be a formula whose value was never saved."""


def check_file(path: str | Path, name: str | None = None) -> Checked:
    """Decide whether ``path`` may be opened, looking only at its size, bytes and zip directory."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()

    def refuse(code: ProblemCode, message: str, expected: str | None = None) -> Checked:
        return Checked(None, (Problem(code, message, file=name, expected=expected),))

    try:
        size = path.stat().st_size
        if not path.is_file():
            return refuse(ProblemCode.FILE_UNREADABLE, "this is a folder, not a file", "an .xlsx, .ods or .csv file")
    except FileNotFoundError:
        return refuse(ProblemCode.FILE_UNREADABLE, "file not found", "an existing .xlsx, .ods or .csv file")
    except OSError as exc:
        return refuse(ProblemCode.FILE_UNREADABLE, f"the file cannot be opened ({exc.strerror})")

    if suffix in MACRO_SUFFIXES:
        return refuse(ProblemCode.FILE_MACROS, f"{suffix} workbooks can carry macros, which devolve never "
                      "opens", "an .xlsx workbook: save a copy as 'Excel Workbook (*.xlsx)'")
    if suffix == ".xls":
        try:
            with path.open("rb") as fh:
                zipped = fh.read(4) == b"PK\x03\x04"
        except OSError:
            zipped = False
        if zipped:  # a workbook of today's format under the old name: renaming is all it needs
            return refuse(ProblemCode.FILE_NOT_WORKBOOK, "this is an .xlsx workbook with a name ending .xls",
                          "the same file renamed to end in .xlsx")
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "this is the old Excel 97-2003 format",
                      "an .xlsx workbook: save a copy as 'Excel Workbook (*.xlsx)'")
    if suffix in FLAT_ODS_SUFFIXES:
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "this is a flat (uncompressed XML) OpenDocument "
                      "spreadsheet, which devolve does not read", ODS_SAVE_AS)
    if suffix == ".xlsb":
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "this is a binary Excel workbook",
                      "an .xlsx workbook: save a copy as 'Excel Workbook (*.xlsx)'")
    if suffix not in WORKBOOK_SUFFIXES + ODS_SUFFIXES + CSV_SUFFIXES:
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"devolve reads Excel workbooks, LibreOffice spreadsheets and "
                      f"CSV files, not '{suffix or 'files without an extension'}'", "an .xlsx, .ods or .csv file")
    if size == 0:
        return refuse(ProblemCode.FILE_EMPTY, "the file is empty (0 bytes)", "a workbook with a Services sheet")
    if size > MAX_FILE_BYTES:
        return refuse(ProblemCode.FILE_TOO_LARGE, f"the file is {size / 1024 ** 2:.1f} MB, larger than "
                      f"the {MAX_FILE_BYTES // 1024 ** 2} MB devolve reads", "a smaller file")

    with path.open("rb") as fh:
        head = fh.read(8192)
    if suffix in CSV_SUFFIXES:
        return _check_csv(head, name)
    if suffix in ODS_SUFFIXES:
        return _check_ods(path, head, name)
    return _check_workbook(path, head, name)


def _check_csv(head: bytes, name: str) -> Checked:
    if head.startswith(_ZIP_MAGIC):
        return Checked(None, (Problem(ProblemCode.FILE_NOT_WORKBOOK, "this is an Excel workbook with a .csv "
                       "name", file=name, expected="rename it to .xlsx, or save it as CSV from Excel"),))
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Checked(None, (Problem(ProblemCode.FILE_NOT_WORKBOOK, "this is not text, so not a CSV file",
                       file=name, expected="a CSV file saved from Excel or another spreadsheet"),))
    if not head.strip():
        return Checked(None, (Problem(ProblemCode.FILE_EMPTY, "the file holds only blank space", file=name,
                       expected="a header row and one row per service"),))
    return Checked("csv")


def _check_workbook(path: Path, head: bytes, name: str) -> Checked:
    def refuse(code: ProblemCode, message: str, expected: str | None = None) -> Checked:
        return Checked(None, (Problem(code, message, file=name, expected=expected),))

    save_as = "an .xlsx workbook saved from Excel, LibreOffice or Google Sheets"
    if head.startswith(_OLE_MAGIC):
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "this is a password-protected workbook or an old "
                      "Excel 97-2003 file renamed .xlsx", "remove the password, or save a copy as .xlsx")
    if head.startswith(_EMPTY_ZIP_MAGIC):
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "this is an empty zip archive, not a workbook", save_as)
    if not head.startswith(_ZIP_MAGIC):
        what = _sniff(head)
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"this is {what} renamed .xlsx, not an Excel workbook",
                      save_as)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "the workbook is damaged (its zip directory cannot be "
                      "read)", save_as)
    with archive:
        infos = archive.infolist()
        trouble = _package_trouble(infos, "workbook")
        if trouble:
            code, message = trouble
            return refuse(code, message, save_as if code == ProblemCode.FILE_NOT_WORKBOOK else "an ordinary workbook")
        names = {i.filename.lower(): i for i in infos}
        if any(n.endswith("vbaproject.bin") or "/macrosheets/" in n or n.startswith("xl/macrosheets")
               for n in names):
            return refuse(ProblemCode.FILE_MACROS, "the workbook contains macros, which devolve never opens",
                          "a copy saved as 'Excel Workbook (*.xlsx)', which drops the macros")
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            what = "a Word document" if "word/document.xml" in names else (
                "a PowerPoint file" if "ppt/presentation.xml" in names else "a zip archive")
            return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"this is {what}, not an Excel workbook", save_as)
        has_formulas = False
        for info in infos:
            lower = info.filename.lower()
            if not lower.endswith(_XML_SUFFIXES):
                continue
            try:
                unsafe, formulas = _scan_part(archive, info, lower == "[content_types].xml",
                                              lower.startswith("xl/worksheets/"))
            # zipfile raises NotImplementedError for a compression method it cannot read and
            # RuntimeError for an encrypted part: both mean the file is no workbook we can open
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"part '{info.filename}' of the workbook is "
                              "damaged", save_as)
            if unsafe == "macros":
                return refuse(ProblemCode.FILE_MACROS, "the workbook is macro-enabled, and devolve never "
                              "opens macros", "a copy saved as 'Excel Workbook (*.xlsx)'")
            if unsafe:
                return refuse(ProblemCode.FILE_XML_UNSAFE, f"part '{info.filename}' declares a DOCTYPE or "
                              "XML entities, which Excel never writes and which can be used to attack a "
                              "reader", "a workbook saved by a spreadsheet program")
            has_formulas = has_formulas or formulas
    return Checked("xlsx", has_formulas=has_formulas)


def _check_ods(path: Path, head: bytes, name: str) -> Checked:
    """The same limits as a workbook's (size, zip directory, zip bombs, DOCTYPEs and entities in
    any XML part), for LibreOffice's own format, and no macros or password."""
    def refuse(code: ProblemCode, message: str, expected: str = ODS_SAVE_AS) -> Checked:
        return Checked(None, (Problem(code, message, file=name, expected=expected),))

    if not head.startswith(_ZIP_MAGIC):
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"this is {_sniff(head)} renamed .ods, not a spreadsheet")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return refuse(ProblemCode.FILE_NOT_WORKBOOK, "the spreadsheet is damaged (its zip directory cannot be read)")
    with archive:
        infos = archive.infolist()
        trouble = _package_trouble(infos, "spreadsheet")
        if trouble:
            return refuse(*trouble)
        names = {i.filename.lower(): i for i in infos}
        mimetype = b""
        if "mimetype" in names:
            try:
                with archive.open(names["mimetype"]) as part:
                    mimetype = part.read(200).strip()
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                return refuse(ProblemCode.FILE_NOT_WORKBOOK, "the spreadsheet is damaged (its type cannot be read)")
        if mimetype != _ODS_MIMETYPE or "content.xml" not in names:
            what = "an OpenDocument text or presentation file" if mimetype.startswith(b"application/vnd.oasis") \
                else "a zip archive"
            return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"this is {what}, not a spreadsheet")
        if any(n.startswith(("basic/", "scripts/")) for n in names):
            return refuse(ProblemCode.FILE_MACROS, "the spreadsheet contains macros, which devolve never opens")
        for info in infos:
            if not info.filename.lower().endswith(_XML_SUFFIXES):
                continue
            try:
                unsafe, _ = _scan_part(archive, info, False, False)
                encrypted = info.filename.lower() == "meta-inf/manifest.xml" and _mentions_encryption(archive, info)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                return refuse(ProblemCode.FILE_NOT_WORKBOOK, f"part '{info.filename}' of the spreadsheet is damaged")
            if unsafe:
                return refuse(ProblemCode.FILE_XML_UNSAFE, f"part '{info.filename}' declares a DOCTYPE or XML "
                              "entities, which LibreOffice never writes and which can be used to attack a reader",
                              "a spreadsheet saved by a spreadsheet program")
            if encrypted:
                return refuse(ProblemCode.FILE_NOT_WORKBOOK, "the spreadsheet is password-protected",
                              "remove the password (File > Properties > Security), or save a copy as .xlsx")
    return Checked("ods")


def _mentions_encryption(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """LibreOffice's manifest names the encryption of each part of a password-protected file."""
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            if b"encryption-data" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


def _package_trouble(infos: list[zipfile.ZipInfo], noun: str) -> tuple[ProblemCode, str] | None:
    """What is wrong with an Office package's zip directory (too many parts, too large unpacked,
    a part that unpacks like a zip bomb, an encrypted part), before any part is read."""
    if len(infos) > MAX_ENTRIES:
        return ProblemCode.FILE_ZIP_BOMB, f"the {noun} holds {len(infos):,} parts, more than the {MAX_ENTRIES:,} " \
            "devolve accepts"
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        return ProblemCode.FILE_ZIP_BOMB, f"the {noun} unpacks to {total / 1024 ** 2:,.0f} MB, more than the " \
            f"{MAX_UNCOMPRESSED_BYTES // 1024 ** 2} MB devolve accepts"
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            return ProblemCode.FILE_ZIP_BOMB, f"part '{info.filename}' unpacks {ratio:,.0f} times larger than " \
                "it is stored, a sign of a zip bomb"
        if info.flag_bits & 0x1:
            return ProblemCode.FILE_NOT_WORKBOOK, f"part '{info.filename}' is encrypted"
    return None


def document_trouble(path: str | Path, name: str) -> str | None:
    """Why a Word document (a council's template) may not be opened, in words, or None: the
    workbook's limits on size and zip directory, and no DOCTYPE or entity in any XML part."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"the template '{name}' is larger than the {MAX_FILE_BYTES // 1024 ** 2} MB devolve reads"
    if not zipfile.is_zipfile(path):
        return f"the template '{name}' is not a Word document devolve can read (a .docx is a zip package)"
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            trouble = _package_trouble(infos, "template")
            if trouble:
                return f"the template '{name}' cannot be used: {trouble[1]}"
            if "word/document.xml" not in {i.filename.lower() for i in infos}:
                return f"the template '{name}' is not a Word document devolve can read (it has no document part)"
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES) and _scan_part(archive, info, False, False)[0]:
                    return (f"the template '{name}' cannot be used: part '{info.filename}' declares a DOCTYPE or "
                            "XML entities, which Word never writes")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        return f"the template '{name}' is damaged (open it in Word and save it again)"
    return None


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, content_types: bool, worksheet: bool
) -> tuple[str | None, bool]:
    """Stream one XML part looking for entity declarations (and macro content types, formulas).

    Reads are capped by the declared size, which the guard has already bounded.
    """
    formulas = False
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(needle in window for needle in _UNSAFE_XML):
                return "xml", formulas
            if content_types and b"macroenabled" in window.lower():
                return "macros", formulas
            if worksheet and not formulas:
                formulas = b"<f>" in window or b"<f " in window or b":f>" in window
            tail = window[-_OVERLAP:]
    return None, formulas


def _sniff(head: bytes) -> str:
    """A plain-words guess at what a file that is not a zip really is."""
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.lstrip().lower().startswith((b"<html", b"<!doctype html")):
        return "a web page"
    if head.lstrip().startswith(b"<?xml"):
        return "an XML file (perhaps the 2003 XML spreadsheet format)"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return "a file of another kind"
