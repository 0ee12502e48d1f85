"""The discussion pack as PDF, written with fpdf2 in DejaVu Sans (Cyrillic and Kazakh letters).

It lays out the blocks of `pack.PackDocument` and writes no words of its own (but the page
footer): the HTML shows the same blocks, so the two files say the same. Text is left-aligned
(fpdf2 justifies by default, which stretched headings). Characters the font lacks were already
replaced visibly when the document was built (`pack.printable`).

The fonts ship with the app (myalmaty/data/fonts, with their licence): nothing is fetched,
and the PDF embeds the subset of glyphs it uses, so it prints the same anywhere.
"""

from __future__ import annotations

import io
from importlib import resources
from typing import IO

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from myalmaty.exports.pack_blocks import Blanks, IdeaEntry, PackDocument, Para, Picture

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
LINE = 5.2
QR_SIZE = 24.0  # millimetres: a phone reads it from arm's length
BLANK_ROW = 11.0

# kind -> (size in points, style, grey level, indent in mm, space after in mm)
STYLES: dict[str, tuple[float, str, int, float, float]] = {
    "title": (20, "B", 20, 0, 2.5),
    "h2": (15, "B", 20, 0, 1.5),
    "h3": (12.5, "B", 20, 0, 0.8),
    "h4": (11, "B", 20, 0, 0.3),
    "body": (10, "", 20, 0, 1.2),
    "meta": (8.5, "", 85, 0, 1.2),
    "counts": (10, "B", 40, 0, 1.2),
    "answer": (10, "B", 40, 3, 1.2),
    "comment": (9, "", 60, 5, 0.6),
    "agenda": (10.5, "", 20, 0, 0.8),
    "note": (9.5, "", 60, 6, 1.6),
    "question": (11, "", 20, 0, 2.0),
    "link": (8.5, "", 60, 0, 0.5),
}


class PackPDF(FPDF):
    def __init__(self, title: str, locale: str) -> None:
        super().__init__(format="A4")
        fonts = resources.files("myalmaty.data").joinpath("fonts")
        for style, name in FONT_FILES.items():
            with resources.as_file(fonts.joinpath(name)) as path:
                self.add_font(FONT, style, str(path))
        self.set_title(title)
        self.set_lang(locale)
        self.set_creator("#MyAlmaty Ideas")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)
        self.page_title = title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.page_title} · {self.page_no()}", align="C")

    def para(self, para: Para) -> None:
        size, style, grey, indent, gap = STYLES[para.kind]
        if para.kind in ("h2", "h3", "h4") and self.will_page_break(LINE * 5):
            self.add_page()  # a heading does not end a page alone
        self.set_font(FONT, style, size)
        self.set_text_color(grey, grey, grey)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, LINE * size / 10, para.text, align=Align.L,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def picture(self, picture: Picture) -> None:
        width = self.epw
        height = width * picture.image.height / picture.image.width
        if self.will_page_break(height + 8):
            self.add_page()
        self.image(io.BytesIO(picture.image.data), x=self.l_margin, w=width, h=height,
                   alt_text=picture.alt)
        self.ln(1)

    def idea(self, entry: IdeaEntry) -> None:
        if self.will_page_break(40):
            self.add_page()
        for para in entry.paras:
            self.para(para)
        if self.will_page_break(QR_SIZE + 2):
            self.add_page()
        top = self.get_y()
        self.image(io.BytesIO(entry.qr_png), x=self.l_margin, y=top, w=QR_SIZE, h=QR_SIZE,
                   link=entry.url, alt_text=entry.link_text)
        size, style, grey, _indent, _gap = STYLES["link"]
        self.set_font(FONT, style, size)
        self.set_text_color(grey, grey, grey)
        self.set_xy(self.l_margin + QR_SIZE + 4, top + QR_SIZE / 2 - LINE / 2)
        self.multi_cell(0, LINE * size / 10, entry.link_text, align=Align.L, link=entry.url,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(self.get_y(), top + QR_SIZE) + 5)

    def blanks(self, blanks: Blanks) -> None:
        widths = [self.epw * share for share in (0.55, 0.25, 0.20)][:len(blanks.headings)]
        self.set_draw_color(90, 90, 90)
        self.set_font(FONT, "B", 10)
        self.set_text_color(20, 20, 20)
        for width, heading in zip(widths, blanks.headings, strict=True):
            self.cell(width, 8, heading, border=1, align=Align.L)
        self.ln(8)
        for _row in range(blanks.rows):
            for width in widths:
                self.cell(width, BLANK_ROW, "", border=1)
            self.ln(BLANK_ROW)


def write_pack_pdf(target: IO[bytes], document: PackDocument) -> None:
    pdf = PackPDF(document.title, document.locale)
    pdf.add_page()
    for block in document.blocks:
        if isinstance(block, Para):
            pdf.para(block)
        elif isinstance(block, Picture):
            pdf.picture(block)
        elif isinstance(block, IdeaEntry):
            pdf.idea(block)
        elif isinstance(block, Blanks):
            pdf.blanks(block)
        elif pdf.get_y() > pdf.t_margin + 1:  # a new page, unless this one is still empty
            pdf.add_page()
    target.write(bytes(pdf.output()))
