"""python-docx helpers shared by the field documents: A4 pages, a CJK font, plain-text runs,
tables whose header row repeats on every printed page."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "SimSun"
"""East Asian (and Latin) font of every document: SimSun (the Song typeface), present on
every Chinese Windows and in WPS; LibreOffice substitutes a CJK font where it is missing."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def plain(value: object) -> str:
    """A value from data as text for a run: missing values empty, characters that XML
    cannot hold (``\\x00`` and other control characters) dropped.

    Examples
    --------
    >>> plain("A\\x00B\\tC"), plain(None), plain(float("nan"))
    ('AB\\tC', '', '')
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    if text in ("<NA>", "NaT", "nan"):
        return ""
    return _NOT_XML.sub("", text)


def _set_fonts(style_element, language: str) -> None:
    rpr = style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(
        qn("w:val"), "en-US" if language == "zh" else "en-GB"
    )  # Latin text (as Word writes it)
    lang.set(qn("w:eastAsia"), "zh-CN")


def new_document(language: str) -> Document:
    """An empty A4 portrait document, 18 mm margins, 宋体 for every style used here."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(18)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        style = document.styles[name]
        _set_fonts(style.element, language)
        if name != "Table Grid":
            style.font.color.rgb = None
    document.styles["Normal"].font.size = Pt(10.5)
    return document


def text(
    document: Document,
    value: str,
    *,
    bold: bool = False,
    size: float | None = None,
    center: bool = False,
    page_break_before: bool = False,
    space_before: float = 0.0,
) -> Paragraph:
    """A paragraph of plain text (``value`` passed through :func:`plain`), ``space_before``
    points below what comes before it (a table, say)."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(plain(value))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if page_break_before:
        paragraph.paragraph_format.page_break_before = True
    if space_before:
        paragraph.paragraph_format.space_before = Pt(space_before)
    return paragraph


def _mark_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def table(
    document: Document,
    header: Sequence[str] | None,
    rows: Sequence[Sequence[object]],
    widths_mm: Sequence[float],
    *,
    size: float = 9.5,
) -> Table:
    """A bordered table; the header row (bold) repeats on every printed page."""
    n_rows = len(rows) + (1 if header else 0)
    grid = document.add_table(rows=n_rows, cols=len(widths_mm))
    grid._tbl.tblPr.style = document.styles["Table Grid"].style_id  # (faster than .style)
    grid.autofit = False
    for column, width in zip(grid.columns, widths_mm, strict=True):
        column.width = Mm(width)  # the table grid: LibreOffice and WPS read widths from it
    body = list(rows)
    if header:
        _mark_header(grid.rows[0])
        body = [header, *body]
    for r, (row, values) in enumerate(zip(grid.rows, body, strict=True)):
        for cell, value, width in zip(row.cells, values, widths_mm, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(plain(value))
            run.font.size = Pt(size)
            if header and r == 0:
                run.bold = True
    return grid


def save(document: Document, path: Path) -> Path:
    """Write to a temporary name in the same folder, then rename over ``path``."""
    tmp = path.with_name(f".tmp-{path.name}")
    document.save(str(tmp))
    return tmp.replace(path)


def copy_table(document: Document, template: Table) -> None:
    """Append a copy of ``template`` (a table built once, e.g. the same checklist for every
    firm) after a new empty paragraph."""
    anchor = document.add_paragraph()
    anchor._p.addnext(copy.deepcopy(template._tbl))


def move_body(source: Document, target: Document) -> None:
    """Move everything in ``source``'s body (a page built there) to the end of ``target``'s.

    python-docx adds a paragraph by scanning the body for its final section properties, so a
    long document built in place grows in quadratic time; pages built in a small document and
    moved keep it linear.
    """
    end = target.element.body[-1]  # the body's own w:sectPr
    for element in list(source.element.body.iterchildren()):
        if element.tag != qn("w:sectPr"):
            end.addprevious(element)
