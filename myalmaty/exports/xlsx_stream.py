"""A streaming XLSX (Office Open XML) writer: rows go straight into the file's zip entry.

Only what the exports use is here: text, number and day cells with a handful of styles
(bold, wrapped, top-aligned, a bottom border, a number format, a link's blue underline),
column widths, row heights, a frozen header row, an autofilter, external hyperlinks and print
settings (landscape A4, fit to width, the header row on every page, gridlines, a footer).

Memory stays flat however many rows are written: a sheet's XML is compressed into its zip
entry as it is written (strings inline in their cells, no shared-string table), and the
hyperlinks, which the format wants after all the rows, wait in a temporary file. Cells are
serialised by plain string building, several times faster than XlsxWriter's constant-memory
mode, which was the reason for this module (bench/export_memory.py compares them).

The caller passes each row's cells as XML fragments made by `text_cells` and `number_cells`
(or `text_cell`, `number_cell` for one cell); a row is written once and never revisited, so
everything about it (its height, its links) is known when it is written.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

MAX_STRING = 32_767  # the most characters a cell holds (Excel's limit)
# Characters XML 1.0 cannot hold (a pasted control character would corrupt the file), and the
# three that must be escaped in text.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\r]")
ROWS_PER_WRITE = 200
# Deflate's fastest level: sheets of residents' text compress about as well at 1 as at 6
# (a few per cent larger) in a third of the time.
COMPRESS_LEVEL = 1
DIGIT_WIDTH = 7  # pixels of the default font's widest digit (Calibri 11), as Excel measures
COLUMN_PADDING = 5  # pixels Excel adds to a column's width in characters

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = _RELATIONSHIPS + "/hyperlink"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xml_text(text: str) -> str:
    """`text` as XML character data: illegal characters dropped, markup escaped, a carriage
    return kept as a reference (a parser would turn a bare one into a line feed)."""
    if _NEEDS_ESCAPING.search(text) is None:
        return text
    text = _ILLEGAL_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def xml_attribute(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text_cell(ref: str, text: str, style: int) -> str:
    """A text cell: always text, never a formula, a number or a link guessed from it."""
    return (
        f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
        f'{xml_text(text[:MAX_STRING])}</t></is></c>')


def text_cells(letters: str, style: int) -> Callable[[str, str], str]:
    """`make(row, text)`: the text cell of column `letters` in `row` (a number as text), as
    `text_cell` makes it; the constant parts joined once (a sheet has millions of cells)."""
    start = f'<c r="{letters}'
    middle = f'" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
    escaped = xml_text
    return lambda row, text: start + row + middle + escaped(text[:MAX_STRING]) + "</t></is></c>"


def number_cell(ref: str, number: float, style: int) -> str:
    return f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>'


def number_cells(letters: str, style: int) -> Callable[[str, float], str]:
    """`make(row, number)`: the number cell of column `letters` in `row`, as `number_cell`."""
    start = f'<c r="{letters}'
    middle = f'" s="{style}"><v>'
    return lambda row, number: start + row + middle + repr(number) + "</v></c>"


@dataclass(frozen=True)
class Style:
    number_format: str | None = None
    wrap: bool = False
    bold: bool = False
    bottom_border: bool = False
    link: bool = False  # blue and underlined, as a link is shown


@dataclass
class _SheetEntry:
    name: str
    filter_ref: str | None = None
    print_title_rows: bool = False


class Sheet:
    """One worksheet, written row after row; close it (or add the next sheet) when done."""

    def __init__(self, book: Workbook, number: int, name: str, widths: list[float],
                 freeze_header: bool, print_header: bool, selected: bool) -> None:
        self._book = book
        self._number = number
        self._entry = _SheetEntry(name, print_title_rows=print_header)
        self._stream = book.archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True)
        self._pending: list[str] = []
        self._links: IO[str] | None = None
        self._relationships: IO[str] | None = None
        self.link_count = 0
        self.closed = False
        view = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' \
               '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' if freeze_header else ""
        columns = "".join(
            f'<col min="{n}" max="{n}" width="{_column_width(width)}" customWidth="1"/>'
            for n, width in enumerate(widths, start=1)
        )
        tab = ' tabSelected="1"' if selected else ""
        self._write(
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView{tab} workbookViewId="0">'
            f'{view}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{columns}</cols><sheetData>'
        )

    def _write(self, text: str) -> None:
        self._stream.write(text.encode("utf-8"))

    def row(self, number: int, cells: list[str], height: float | None = None) -> None:
        """Row `number` (from 1, in increasing order), its cells made by `text_cell` and
        `number_cell`; `height` in points, None for the default."""
        size = f' ht="{height}" customHeight="1"' if height is not None else ""
        self._pending.append(f'<row r="{number}"{size}>{"".join(cells)}</row>')
        if len(self._pending) >= ROWS_PER_WRITE:
            self._flush()

    def _flush(self) -> None:
        self._write("".join(self._pending))
        self._pending.clear()

    def link(self, ref: str, url: str) -> None:
        """Make the cell `ref` a hyperlink to `url` (the cell holds its text itself)."""
        if self._links is None or self._relationships is None:
            self._links = tempfile.TemporaryFile("w+", encoding="utf-8")
            self._relationships = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.link_count += 1
        self._links.write(f'<hyperlink ref="{ref}" r:id="rId{self.link_count}"/>')
        self._relationships.write(
            f'<Relationship Id="rId{self.link_count}" Type="{_HYPERLINK}" '
            f'Target="{xml_attribute(url)}" TargetMode="External"/>'
        )

    def autofilter(self, last_row: int, last_column: int) -> None:
        """A filter on the header row over columns A to `last_column` (from 0), rows 1 to
        `last_row` (from 1)."""
        self._entry.filter_ref = f"A1:{column_letters(last_column)}{last_row}"

    def close(self, footer: str = "", margins: tuple[float, float, float, float] = (0.7, 0.7, 0.75, 0.75),
              gridlines: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        self._flush()
        self._write("</sheetData>")
        if self._entry.filter_ref:
            self._write(f'<autoFilter ref="{self._entry.filter_ref}"/>')
        if self._links is not None:
            self._write("<hyperlinks>")
            self._copy(self._links)
            self._write("</hyperlinks>")
        left, right, top, bottom = margins
        self._write(
            ('<printOptions gridLines="1"/>' if gridlines else "")
            + f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
            'header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'
            + (f"<headerFooter><oddFooter>{xml_text(footer)}</oddFooter></headerFooter>"
               if footer else "")
            + "</worksheet>"
        )
        self._stream.close()
        if self._relationships is not None:
            with self._book.archive.open(
                f"xl/worksheets/_rels/sheet{self._number}.xml.rels", "w", force_zip64=True
            ) as stream:
                self._stream = stream
                self._write(f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">')
                self._copy(self._relationships)
                self._write("</Relationships>")
        for spool in (self._links, self._relationships):
            if spool is not None:
                spool.close()
        self._book.sheets.append(self._entry)

    def _copy(self, spool: IO[str]) -> None:
        spool.seek(0)
        while chunk := spool.read(64 * 1024):
            self._write(chunk)


def _column_width(characters: float) -> float:
    """A width in characters as Excel stores it: the pixels it takes, back in characters
    (what XlsxWriter's set_column writes)."""
    return round(int(characters * DIGIT_WIDTH + COLUMN_PADDING + 0.5) / DIGIT_WIDTH, 6)


@dataclass
class Workbook:
    """An XLSX package written into `target` (which need not be seekable): add sheets one
    after another, then `close()`."""

    target: IO[bytes]
    archive: zipfile.ZipFile = field(init=False)
    sheets: list[_SheetEntry] = field(default_factory=list)
    _styles: dict[Style, int] = field(default_factory=dict)
    _current: Sheet | None = None

    def __post_init__(self) -> None:
        self.archive = zipfile.ZipFile(self.target, "w", zipfile.ZIP_DEFLATED,
                                       compresslevel=COMPRESS_LEVEL)

    def style(self, style: Style) -> int:
        """The index of `style` among the cell formats (0 is the default)."""
        if style not in self._styles:
            self._styles[style] = len(self._styles) + 1
        return self._styles[style]

    def add_sheet(self, name: str, widths: list[float], *, freeze_header: bool = True,
                  print_header: bool = True) -> Sheet:
        if self._current is not None:
            self._current.close()
        number = len(self.sheets) + 1
        self._current = Sheet(self, number, name, widths, freeze_header, print_header,
                              selected=number == 1)
        return self._current

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
        count = len(self.sheets)
        self.archive.writestr("[Content_Types].xml", _content_types(count))
        self.archive.writestr("_rels/.rels", (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ))
        self.archive.writestr("xl/workbook.xml", self._workbook_xml())
        self.archive.writestr("xl/_rels/workbook.xml.rels", (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
            + "".join(f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" '
                      f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ))
        self.archive.writestr("xl/styles.xml", _styles_xml(list(self._styles)))
        self.archive.close()

    def _workbook_xml(self) -> str:
        names = []
        for index, sheet in enumerate(self.sheets):
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            if sheet.filter_ref:
                first, last = sheet.filter_ref.split(":")
                absolute = f"${first[0]}${first[1:]}:${_split_ref(last)}"
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" '
                             f'hidden="1">{xml_text(quoted)}!{absolute}</definedName>')
            if sheet.print_title_rows:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                             f"{xml_text(quoted)}!$1:$1</definedName>")
        sheets = "".join(f'<sheet name="{xml_attribute(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>'
                         for n, sheet in enumerate(self.sheets, start=1))
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
                f'<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>{defined}'
                "</workbook>")


def _split_ref(ref: str) -> str:
    """`R42` → `R$42`."""
    letters = ref.rstrip("0123456789")
    return f"{letters}${ref[len(letters):]}"


def _content_types(sheet_count: int) -> str:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
                  for n in range(1, sheet_count + 1))
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_FONTS = (f"<font>{_FONT}</font>", f"<font><b/>{_FONT}</font>",
          '<font><u/><sz val="11"/><color rgb="FF0000FF"/><name val="Calibri"/><family val="2"/></font>')
_BORDERS = ("<border><left/><right/><top/><bottom/><diagonal/></border>",
            '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom>'
            "<diagonal/></border>")


def _styles_xml(styles: list[Style]) -> str:
    formats: dict[str, int] = {}
    for style in styles:
        if style.number_format and style.number_format not in formats:
            formats[style.number_format] = 164 + len(formats)  # the first id for custom formats
    number_formats = "".join(f'<numFmt numFmtId="{n}" formatCode="{xml_attribute(code)}"/>'
                             for code, n in formats.items())
    cells = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    for style in styles:
        font = 1 if style.bold else 2 if style.link else 0
        wrap = ' wrapText="1"' if style.wrap else ""
        cells.append(
            f'<xf numFmtId="{formats.get(style.number_format or "", 0)}" fontId="{font}" fillId="0" '
            f'borderId="{1 if style.bottom_border else 0}" xfId="0" applyNumberFormat="1" '
            f'applyFont="1" applyBorder="1" applyAlignment="1">'
            f'<alignment vertical="top"{wrap}/></xf>'
        )
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
        + f'<fonts count="{len(_FONTS)}">{"".join(_FONTS)}</fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        f'<borders count="{len(_BORDERS)}">{"".join(_BORDERS)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0"/>'
        "</styleSheet>"
    )
