"""LibreOffice for the tests that print our files: a PDF of a .docx or .xlsx, and its text.

Needs Debian's libreoffice-writer-nogui, libreoffice-calc-nogui and poppler-utils; a test is
skipped, saying why, where they are missing, unless DEVOLVE_REQUIRE_LIBREOFFICE=1 (CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MISSING = ("printing needs LibreOffice and poppler-utils (apt-get install libreoffice-writer-nogui "
           "libreoffice-calc-nogui poppler-utils)")


def tools() -> tuple[str, str, str]:
    found = tuple(shutil.which(t) for t in ("soffice", "pdftotext", "pdftoppm"))
    if not all(found):
        if os.environ.get("DEVOLVE_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    return found  # type: ignore[return-value]


def to_pdf(document: Path, folder: Path) -> tuple[Path, str]:
    """The document printed by LibreOffice, and the PDF's text laid out as on the page."""
    soffice, pdftotext, _ = tools()
    profile = folder / "libreoffice-profile"  # its own profile: a running LibreOffice is never disturbed
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(document)], check=True, capture_output=True, timeout=300)
    pdf = folder / f"{document.stem}.pdf"
    if not pdf.exists():
        pytest.fail(f"LibreOffice did not print {document.name} (is its Writer or Calc installed?)")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return pdf, text


def keep_pages(pdf: Path, name: str, folder: Path, pages: int = 8) -> None:
    """The first pages as PNG images in DEVOLVE_SCREENSHOTS (if set), for a person to look at."""
    target = os.environ.get("DEVOLVE_SCREENSHOTS")
    if not target:
        return
    _, _, pdftoppm = tools()
    subprocess.run([pdftoppm, "-r", "60", "-png", "-l", str(pages), str(pdf), str(folder / name)], check=True)
    Path(target).mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, Path(target) / f"{name}.pdf")
    for image in sorted(folder.glob(f"{name}-*.png")):
        shutil.copy(image, Path(target) / image.name)


def soffice() -> str:
    """LibreOffice, to make the real .ods files these tests read; skipped, saying why, without it."""
    found = shutil.which("soffice")
    if found is None:
        reason = "making a real .ods file needs LibreOffice (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("DEVOLVE_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


def saved_by_libreoffice(source: Path, kind: str, folder: Path) -> Path:
    """``source`` opened and saved by LibreOffice Calc as ``kind`` (ods or xlsx), as a user would."""
    out = folder / kind
    subprocess.run([soffice(), f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to",
                    kind, "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=300)
    saved = out / f"{source.stem}.{kind}"
    assert saved.exists(), f"LibreOffice did not save {source.name} as .{kind}"
    return saved
