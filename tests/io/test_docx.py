"""The cabinet report as a Word file: real heading styles, numbered paragraphs, accessible tables
and charts, a council's own template, user text as text; and its pages as LibreOffice prints them.

The PDF test prints it with LibreOffice (tests/libreoffice.py); its page images go to
DEVOLVE_SCREENSHOTS (if set) for a person to look at.
"""

from __future__ import annotations

import zipfile

import docx
import pytest
from docx.shared import Cm, Pt

from devolve.core.document import ReportDetails
from devolve.io.docx import house_template
from devolve.present.report import cabinet_report
from devolve.usecases import robustness_for_report, write_cabinet_report
from tests.libreoffice import keep_pages, to_pdf

HOSTILE = '=HYPERLINK("http://x","y")'
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def council(explained):
    """The sample with a devolved service renamed to formula-like text."""
    assessment, plan = explained
    first = plan.decisions[0].service_id
    services = tuple(s.replace(name=HOSTILE) if s.service_id == first else s for s in assessment.services)
    return assessment.replace(services=services), plan


@pytest.fixture(scope="module")
def written(council, tmp_path_factory):
    assessment, plan = council
    path = tmp_path_factory.mktemp("report") / "report.docx"
    details = ReportDetails(report_of="Director of Communities", contact_officer="Jo Bloggs")
    # with its robustness tested, as a report for cabinet should be (it must still fit five pages)
    robustness = robustness_for_report(assessment, plan, samples=25, workers=1)
    write_cabinet_report(assessment, plan, path, details=details, sources=("sample_services.xlsx",),
                         robustness=robustness)
    return path


def test_headings_are_real_heading_styles_numbered_like_a_committee_paper(written, council):
    doc = docx.Document(str(written))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["1. Summary", "2. Recommendations", "3. Background"]
    assert headings[5] == "6. Robustness"
    assert headings[13] == "14. Timetable for implementation" and headings[14].startswith("Appendix A")
    assert headings[-2].startswith("Appendix H")
    assert [p.style.name for p in doc.paragraphs[:2]] == ["Title", "Subtitle"]
    recommendations = [p.text for p in doc.paragraphs if p.text.startswith("2.") and "\t" in p.text]
    assert [r.split("\t")[0] for r in recommendations] == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert all(r.split("\t")[1].startswith("That Cabinet") for r in recommendations)


def test_the_document_is_a4_titled_in_english_and_numbers_its_pages(written):
    doc = docx.Document(str(written))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert doc.core_properties.title.startswith("Devolving council services")
    assert doc.core_properties.author == "Director of Communities"
    assert doc.styles["Normal"].element.rPr.find(f"{W}lang").get(f"{W}val") == "en-GB"
    footer = section.footer._element.xml
    assert "PAGE" in footer and "Page " in footer


def test_tables_have_header_rows_that_repeat_and_a_description(written):
    doc = docx.Document(str(written))
    assert len(doc.tables) >= 10
    for table in doc.tables[1:]:  # the first is the title block: a label beside each value
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(f"{W}tblHeader") is not None
        assert table._tbl.tblPr.find(f"{W}tblCaption") is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


def test_charts_carry_alt_text_and_their_words_beside_them(written):
    doc = docx.Document(str(written))
    pictures = doc.inline_shapes
    assert len(pictures) == 3  # the plan by activity, value beside residents, and the weights' stability
    for picture in pictures:
        described = picture._inline.docPr.get("descr")
        assert described and len(described.split()) >= 25
        assert any(p.text == described for p in doc.paragraphs)  # and in the text, for every reader


def test_user_text_stays_text_and_nothing_in_the_file_is_a_link_or_field_but_the_page_number(written):
    with zipfile.ZipFile(written) as z:
        body = z.read("word/document.xml").decode("utf-8")
        footers = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer"))
    assert HOSTILE in body  # as written: no apostrophe, no field
    assert "<w:instrText" not in body and "<w:fldSimple" not in body and "<w:hyperlink" not in body
    assert footers.count("<w:instrText") == 1 and "PAGE" in footers


def test_a_council_s_template_gives_its_styles_header_and_page(council, tmp_path):
    template = house_template()
    template.styles["Heading 1"].font.name = "Georgia"
    template.styles["Heading 1"].font.size = Pt(20)
    template.sections[0].left_margin = Cm(3.2)
    template.sections[0].header.paragraphs[0].text = "Calderbridge Metropolitan Borough Council"
    template.add_paragraph("Text in the template's body is replaced by the report.")
    path = tmp_path / "council.docx"
    template.save(str(path))
    out = tmp_path / "report.docx"
    write_cabinet_report(*council, out, template=path)
    doc = docx.Document(str(out))
    assert doc.styles["Heading 1"].font.name == "Georgia" and doc.styles["Heading 1"].font.size == Pt(20)
    assert round(doc.sections[0].left_margin.cm, 1) == 3.2
    assert doc.sections[0].header.paragraphs[0].text == "Calderbridge Metropolitan Borough Council"
    assert not any("replaced by the report" in p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].style.name == "Title"


def test_a_template_without_the_report_s_styles_gets_them_added(council, tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    bare = docx.Document()
    # a template whose author deleted the Caption style: the report adds it rather than failing
    caption = bare.styles["Caption"]
    caption.element.getparent().remove(caption.element)
    assert "Caption" not in bare.styles
    path = tmp_path / "bare.docx"
    bare.save(str(path))
    out = tmp_path / "report.docx"
    write_cabinet_report(*council, out, template=path)
    doc = docx.Document(str(out))
    assert doc.styles["Caption"].type == WD_STYLE_TYPE.PARAGRAPH
    assert any(p.style.name == "Caption" for p in doc.paragraphs)


@pytest.fixture(scope="module")
def gridless(council, tmp_path_factory):
    """The report written into a template whose author deleted the Table Grid style."""
    folder = tmp_path_factory.mktemp("gridless")
    bare = docx.Document()
    grid = bare.styles["Table Grid"]
    grid.element.getparent().remove(grid.element)
    assert "Table Grid" not in bare.styles
    bare.save(str(folder / "template.docx"))
    write_cabinet_report(*council, folder / "report.docx", template=folder / "template.docx")
    return folder / "report.docx"


def test_a_table_style_the_template_lacks_is_added_with_lines_round_every_cell(gridless):
    doc = docx.Document(str(gridless))
    style = doc.styles["Table Grid"]
    borders = style.element.find(f"{W}tblPr/{W}tblBorders")
    assert borders is not None, "a table style without borders draws tables without lines"
    assert {line.tag.removeprefix(W): (line.get(f"{W}val"), line.get(f"{W}sz")) for line in borders} == {
        edge: ("single", "4") for edge in ("top", "left", "bottom", "right", "insideH", "insideV")}
    assert style.base_style is not None and style.base_style.name == "Normal Table"
    assert doc.tables and all(table.style.name == "Table Grid" for table in doc.tables)


@pytest.mark.slow
def test_libreoffice_draws_the_added_table_style_s_lines(gridless, tmp_path):
    """The title block's rows are ruled off on the printed page, not only in the XML."""
    import subprocess

    from tests.libreoffice import tools

    pdf, _ = to_pdf(gridless, tmp_path)
    _, _, pdftoppm = tools()
    subprocess.run([pdftoppm, "-gray", "-r", "100", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    rules = _rules(next(tmp_path.glob("page*.pgm")).read_bytes(), longest_cm=5)
    assert rules >= 8, rules  # the seven rows of the title block, top and bottom; the Title's own rule is one


def _rules(pgm: bytes, longest_cm: float, dpi: int = 100) -> int:
    """Horizontal lines at least ``longest_cm`` long on a page printed as a binary grey map:
    runs of dark pixels no text makes, adjacent pixel rows counted as one line."""
    import re

    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)  # one byte a pixel, after one blank
    assert header, pgm[:20]
    width, height, pixels = int(header[1]), int(header[2]), pgm[header.end():]
    run_needed = int(longest_cm / 2.54 * dpi)
    lines, previous = 0, False
    for y in range(height):
        row = pixels[y * width:(y + 1) * width]
        run = longest = 0
        for value in row:
            run = run + 1 if value < 160 else 0
            longest = max(longest, run)
        ruled = longest >= run_needed
        lines += ruled and not previous
        previous = ruled
    return lines


def test_the_body_is_words_a_councillor_reads_in_a_few_pages(council):
    document = cabinet_report(*council)
    body_words = sum(len(b.text.split()) for s in document.sections if s.numbered for b in s.blocks
                     if hasattr(b, "text"))
    assert body_words < 2200  # about five A4 sides of 12 pt text with its tables and a chart


@pytest.mark.slow
def test_libreoffice_prints_it_with_every_section_and_no_broken_words(written, tmp_path):
    pdf, words = to_pdf(written, tmp_path)
    for heading in ("1. Summary", "2. Recommendations", "6. Robustness", "9. Financial implications", "Appendix G",
                    "Appendix H"):
        assert heading in words
    assert HOSTILE in words
    pages = words.count("\f")
    body = words.split("Appendix A:")[0].count("\f")  # the appendices start on a page of their own
    assert 4 <= body <= 5 and pages >= body + 3, (body, pages)
    for broken in ("Neighbour\n", "Partnershi\n"):
        assert broken not in words
    keep_pages(pdf, "cabinet-report", tmp_path)


def test_a_hostile_template_is_refused_before_word_parses_it(tmp_path):
    from devolve.io.docx import template_problem

    good = tmp_path / "good.docx"
    house_template().save(str(good))
    assert template_problem(good) is None
    entity = tmp_path / "entity.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(entity, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY x "boom">]>', 1)
            out.writestr(info, data)
    assert "declares a DOCTYPE" in template_problem(entity, "council.docx")
    crowded = tmp_path / "crowded.docx"
    with zipfile.ZipFile(crowded, "w") as out:
        for i in range(5_001):
            out.writestr(f"word/part{i}.xml", "<x/>")
    assert "5,001 parts" in template_problem(crowded)
    workbook = tmp_path / "workbook.docx"
    with zipfile.ZipFile(workbook, "w") as out:
        out.writestr("xl/workbook.xml", "<workbook/>")
    assert "no document part" in template_problem(workbook)
