"""A :class:`~devolve.core.document.Document` laid out in Word, in a council's own styles.

python-docx with named styles rather than a template engine (docxtpl): a council's cabinet
template is a set of styles (Title, Heading 1, Caption, a table style) and a header and footer,
not a page with blanks to fill, and the report's sections and tables vary in number with the
plan. So the template's body is cleared, its page set-up, header and footer are kept, and every
paragraph is written in one of its named styles; a style the template lacks is added from the
house style, so any .docx works.

Accessible as the Public Sector Bodies Accessibility Regulations expect: real heading styles,
numbered paragraphs as text (they survive any viewer and a PDF), tables with a repeating header
row, a caption and a description, charts with alt text, the document's title and language set.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from devolve.core.document import Bullets, Document, Figure, Paragraph, Section, Table
from devolve.io.guard import document_trouble
from devolve.io.xlsx import save_atomically

TEXT_COLOUR = "0B0C0C"
"""GOV.UK's text colour: near black, 19:1 on white."""
FONT = "Arial"
"""The sans serif most UK councils write their papers in; LibreOffice substitutes Liberation Sans."""
STYLES = ("Title", "Subtitle", "Heading 1", "Normal", "Caption", "List Bullet")
TABLE_STYLE = "Table Grid"
INDENT_CM = 1.25
"""Where the text of a numbered paragraph starts: its number hangs in the margin before it."""
TABLE_POINTS = 10
"""Text size in tables: one size below the body, so a seven-column table fits an A4 page."""
CELL_SPACE_POINTS = 2
"""Space above and below the text in a table cell, single-spaced: a row's text sits in the middle
of it, not on the body's paragraph spacing (which leaves a gap below only)."""
GAP_POINTS = 6
"""The blank line after a table: enough to part it from the text below."""
LONGEST_WORD_CM = 0.22
"""Width a character takes in a 10 pt Arial table cell, near enough to keep words whole."""
BOLD_WORD_CM = 0.25
"""The same in a bold header."""
CELL_PADDING_CM = 0.45
SOFT_HYPHENS = {word.replace("|", ""): word.replace("|", "\u00ad") for word in (
    "Neighbour|hoods", "Neighbour|hood", "Commission|ing", "Partner|ships", "Priori|tisation", "Manage|ment",
    "Assess|ment", "inter|mediary", "Govern|ance", "Resili|ence")}
"""Where a long word in a narrow table column may break, with a hyphen shown: a soft hyphen,
invisible unless the line breaks there."""
NARROWEST_CM = 1.8
"""The narrowest a column of words is made to give way to, on a table too wide for the page."""


def house_template() -> Any:
    """devolve's default cabinet report template: A4, Arial 12 pt, black headings, 2.5 cm margins."""
    from docx import Document as Word
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    doc = Word()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.5)
    sizes = {"Normal": 12, "Title": 24, "Subtitle": 14, "Heading 1": 16, "Caption": 11,
             "List Bullet": 12}
    for name in STYLES:
        style = doc.styles[name] if name in doc.styles else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.name = FONT
        style.font.size = Pt(sizes[name])
        style.font.color.rgb = RGBColor.from_string(TEXT_COLOUR)
        style.font.italic = False
        style.font.bold = name.startswith(("Heading", "Title")) or name == "Caption"
        _ascii_font(style, FONT)
        fmt = style.paragraph_format
        fmt.space_after = Pt(6 if name != "Title" else 12)
        if name.startswith("Heading"):
            fmt.space_before = Pt(18)
            fmt.keep_with_next = True
    doc.styles["Normal"].paragraph_format.line_spacing = 1.15
    doc.styles["Caption"].paragraph_format.keep_with_next = True
    _language(doc.styles["Normal"], "en-GB")
    return doc


def template_problem(path: Path, name: str | None = None) -> str | None:
    """Why a council's template cannot be used, in words, or None; ``name`` is the name to say (an
    upload's own, not its temporary file's). It passes the same guard as a workbook first."""
    from docx import Document as Word

    name = name or path.name
    trouble = document_trouble(path, name)
    if trouble:
        return trouble
    try:
        Word(str(path))
    except Exception:  # python-docx's PackageNotFoundError, a missing part, XML it cannot parse
        return f"the template '{name}' is not a Word document devolve can read (open it in Word and save it again)"
    return None


def write_report(document: Document, path: str | Path, *, template: str | Path | None = None,
                 author: str | None = None) -> None:
    """Write ``document`` as a .docx in ``template``'s styles (else the house style), atomically."""
    from docx import Document as Word

    doc = Word(str(template)) if template is not None else house_template()
    _clear_body(doc)
    _ensure_styles(doc)
    doc.core_properties.title = document.title
    doc.core_properties.subject = document.subtitle
    doc.core_properties.language = "en-GB"
    if author:
        doc.core_properties.author = author
    doc.add_paragraph(document.title, style="Title")
    doc.add_paragraph(document.subtitle, style="Subtitle")
    _title_block(doc, document.title_block)
    number = 0
    appendix_started = False
    for section in document.sections:
        first_appendix = not section.numbered and not appendix_started
        appendix_started = appendix_started or first_appendix
        if section.numbered:
            number += 1
        _section(doc, section, number if section.numbered else None, new_page=first_appendix)
    _page_numbers(doc)
    save_atomically(doc, Path(path))


def _section(doc: Any, section: Section, number: int | None, *, new_page: bool = False) -> None:
    heading = doc.add_paragraph(f"{number}. {section.heading}" if number else section.heading, style="Heading 1")
    if new_page:  # the appendices start on a page of their own; a break on the heading, not a
        heading.paragraph_format.page_break_before = True  # paragraph of its own, leaves no blank page
    para = 0
    for i, block in enumerate(section.blocks):
        if isinstance(block, Paragraph):
            if block.numbered and number:
                para += 1
                paragraph = _numbered(doc, f"{number}.{para}", block.text)
            else:
                paragraph = doc.add_paragraph(block.text, style="Normal")
            paragraph.paragraph_format.keep_with_next = block.keep_with_next or None
        elif isinstance(block, Bullets):
            for item in block.items:
                if block.numbered and number:
                    para += 1
                    _numbered(doc, f"{number}.{para}", item)
                else:
                    doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):  # the next heading's space parts a section's last table from it
            _table(doc, block, gap=i < len(section.blocks) - 1)
        elif isinstance(block, Figure):
            _figure(doc, block)


def _numbered(doc: Any, label: str, text: str) -> Any:
    from docx.shared import Cm

    p = doc.add_paragraph(f"{label}\t{text}", style="Normal")
    fmt = p.paragraph_format
    fmt.left_indent = Cm(INDENT_CM)
    fmt.first_line_indent = Cm(-INDENT_CM)
    fmt.tab_stops.add_tab_stop(Cm(INDENT_CM))
    return p


def _title_block(doc: Any, rows: tuple[tuple[str, str], ...]) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles[TABLE_STYLE]
    for (label, value), row in zip(rows, table.rows):
        row.cells[0].paragraphs[0].add_run(label).bold = True  # a new cell holds one empty paragraph
        row.cells[1].text = value
    _fit(doc, table, ("",) * 2, tuple(rows))
    _describe(table, "Report details", "The meeting, who presents the report, the wards affected, whether it is a "
                                        "key decision and whether it is public.")
    _gap(doc)


def _table(doc: Any, block: Table, *, gap: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(block.caption, style="Caption")
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = doc.styles[TABLE_STYLE]
    numeric = block.numeric or (False,) * len(block.headers)
    headers = tuple(_breakable(h) for h in block.headers)
    rows = tuple(tuple(_breakable(v) for v in values) for values in block.rows)
    for j, header in enumerate(headers):
        table.rows[0].cells[j].paragraphs[0].add_run(header).bold = True
    _repeat_header(table.rows[0])
    for i, values in enumerate(rows, start=1):
        cells = table.rows[i].cells
        for j, value in enumerate(values):
            cells[j].text = value
            if numeric[j]:
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fit(doc, table, headers, rows, numeric)
    _describe(table, block.caption, f"{len(block.rows)} rows: " + ", ".join(block.headers) + ".")
    if gap:
        _gap(doc)


def _fit(doc: Any, table: Any, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...],
         numeric: tuple[bool, ...] = ()) -> None:
    """Columns as wide as their content asks, within the page: no column narrower than its longest
    word (so "Neighbourhood" is never broken), long text wrapping in the widest. A table too wide
    at 10 pt is set in 9 pt; if it is still too wide, its text columns give way, never its figures."""
    from docx.shared import Cm, Emu, Pt

    section = doc.sections[-1]
    usable = Emu(section.page_width - section.left_margin - section.right_margin).cm
    columns = list(zip(*rows)) if rows else [("",) for _ in headers]
    figures = list(numeric) + [False] * (len(headers) - len(numeric))
    for points in (TABLE_POINTS, TABLE_POINTS - 1):
        scale = points / TABLE_POINTS
        least = [max(_longest_word(header) * BOLD_WORD_CM, max(_longest_word(text) for text in column) * LONGEST_WORD_CM)
                 * scale + CELL_PADDING_CM for header, column in zip(headers, columns)]
        if sum(least) <= usable:
            break
    wants = [max(min(max(len(text) for text in (header, *column)), 45) * LONGEST_WORD_CM * scale + CELL_PADDING_CM, low)
             for header, column, low in zip(headers, columns, least)]
    # the room left goes to the columns with the most to say, each up to what it wants
    widths = list(least)
    volume = [sum(len(text) for text in column) + 1 for column in columns]
    spare = usable - sum(widths)
    while spare > 0.01:
        hungry = [j for j in range(len(widths)) if wants[j] - widths[j] > 0.01]
        if not hungry:
            break
        total = sum(volume[j] for j in hungry)
        for j in hungry:
            widths[j] = min(wants[j], widths[j] + spare * volume[j] / total)
        spare = usable - sum(widths)
    over = sum(widths) - usable
    text = [j for j in range(len(widths)) if not figures[j]]
    room = sum(max(widths[j] - NARROWEST_CM, 0) for j in text)
    if over > 0 and room > 0:  # words wrap at a hyphen or, at worst, mid-word; a figure must stay whole
        give = min(over, room)
        for j in text:
            widths[j] -= give * max(widths[j] - NARROWEST_CM, 0) / room
    if sum(widths) > usable + 0.01:  # nothing else gives: scale everything down
        widths = [w * usable / sum(widths) for w in widths]
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # the grid LibreOffice lays out by; Word reads each cell's own width
    for row in table.rows:
        _row_property(row, "w:cantSplit")  # a row is read whole: never half on one page, half on the next
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                fmt = paragraph.paragraph_format
                fmt.space_before = fmt.space_after = Pt(CELL_SPACE_POINTS)
                fmt.line_spacing = 1.0
                for run in paragraph.runs:
                    run.font.size = Pt(points)


def _gap(doc: Any) -> None:
    """A short empty line after a table (an empty paragraph's height is its mark's font size)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = doc.add_paragraph("", style="Normal")
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(GAP_POINTS * 2))  # half-points
    mark = OxmlElement("w:rPr")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)


def _figure(doc: Any, block: Figure) -> None:
    import vl_convert
    from docx.shared import Cm

    png = vl_convert.vegalite_to_png(block.chart, scale=2)
    doc.add_paragraph(block.caption, style="Caption")
    picture = doc.add_picture(io.BytesIO(png), width=Cm(block.width_cm))
    properties = picture._inline.docPr  # python-docx has no API for alt text; docPr holds it
    properties.set("descr", block.alt_text)
    properties.set("title", block.caption)
    doc.add_paragraph(block.alt_text, style="Normal")  # the chart's content in words, for every reader


def _longest_word(text: str) -> int:
    """Characters in the longest piece a line may not break: words, and the parts of a hyphenated
    word (a line may break after its hyphen, or at a soft hyphen)."""
    return max((len(part) for word in text.split() for part in word.replace("\u00ad", "-").split("-")), default=0)


def _breakable(text: str) -> str:
    """``text`` with soft hyphens in the long words a narrow column may have to break."""
    for word, soft in SOFT_HYPHENS.items():
        text = text.replace(word, soft)
    return text


def _repeat_header(row: Any) -> None:
    _row_property(row, "w:tblHeader")


def _row_property(row: Any, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _describe(table: Any, caption: str, description: str) -> None:
    """Word's table alt text (Table Properties, Alt Text): read by screen readers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value[:255])
        props.append(element)


def _clear_body(doc: Any) -> None:
    """Empty a template's body but keep its last section properties (page size, header, footer)."""
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _ensure_styles(doc: Any) -> None:
    """Add any style the report uses that the template lacks, in the house style."""
    from docx.enum.style import WD_STYLE_TYPE

    house = None
    for name in STYLES:
        if name not in doc.styles:
            house = house or house_template()
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            source = house.styles[name]
            style.font.name, style.font.size, style.font.bold = source.font.name, source.font.size, source.font.bold
    if TABLE_STYLE not in doc.styles:
        _grid(doc.styles, doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE))


GRID_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")
CELL_MARGIN_TWIPS = 108
"""Word's Table Grid: a single half-point line around and between the cells, text 0.19 cm in from
each side of its cell."""


def _grid(styles: Any, style: Any) -> None:
    """Make an added table style the grid Word's own Table Grid is: a style that only names
    itself draws no lines, and the report's tables would have none."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if "Normal Table" in styles:
        style.base_style = styles["Normal Table"]
    props = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for edge in GRID_EDGES:
        line = OxmlElement(f"w:{edge}")
        for attribute, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "auto")):
            line.set(qn(attribute), value)
        borders.append(line)
    props.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    props.append(margins)
    style.element.append(props)  # after the style's name, basedOn, pPr and rPr, as the schema orders them


def _page_numbers(doc: Any) -> None:
    """"Page N" in the footer, unless the template's footer already says something."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = doc.sections[-1].footer
    if any(p.text.strip() for p in footer.paragraphs):
        return
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.add_run("Page ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _ascii_font(style: Any, font: str) -> None:
    """Set the font for every script, so East Asian fallbacks never change the look."""
    from docx.oxml.ns import qn

    fonts = style.element.rPr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), font)


def _language(style: Any, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
