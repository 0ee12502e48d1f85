"""The discussion pack as PDF, written with fpdf2 in DejaVu Sans (Cyrillic and Kazakh letters).

The fonts ship with the app (myalmaty/data/fonts, with their licence): nothing is fetched,
and the PDF embeds the subset of glyphs it uses, so it prints the same anywhere.
"""

from __future__ import annotations

from importlib import resources
from typing import IO, TYPE_CHECKING

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from myalmaty.exports.columns import local_day, redact_emails

if TYPE_CHECKING:
    from myalmaty.exports.pack import PackDocument, PackGroup, PackIdea, PackSection

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
LINE = 5.2


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

    def text_block(self, text: str, size: float = 10, style: str = "", colour: int = 20,
                   gap: float = 1.2) -> None:
        if not text:
            return
        self.set_font(FONT, style, size)
        self.set_text_color(colour, colour, colour)
        self.multi_cell(0, LINE * size / 10, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)


def _counts(ideas: int, supports: int) -> str:
    return "{} · {}".format(
        ngettext("%(num)d idea", "%(num)d ideas", ideas),
        ngettext("%(num)d support", "%(num)d supports", supports),
    )


def _write_idea(pdf: PackPDF, item: PackIdea) -> None:
    row = item.row
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.text_block(redact_emails(row.title), size=11, style="B", gap=0.3)
    meta = [row.reference, row.category, row.quarter, row.stage.label,
            ngettext("%(num)d support", "%(num)d supports", row.support_count)]
    pdf.text_block(" · ".join(m for m in meta if m), size=8.5, colour=85)
    pdf.text_block(redact_emails(row.description), size=10)
    if row.first_step:
        pdf.text_block(_("First step") + ": " + redact_emails(row.first_step), size=10)
    if row.public_answer:
        pdf.text_block(_("Public answer") + ": " + redact_emails(row.public_answer), size=10,
                       style="B", colour=40)
    for comment in item.comments:
        day = local_day(comment.created_at)
        who = f"{redact_emails(comment.author)}, {format_date(day, 'medium')}" if day else comment.author
        pdf.set_x(pdf.l_margin + 5)
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(60, 60, 60)
        pdf.multi_cell(0, LINE * 0.9, f"— {who}: {redact_emails(comment.body)}",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _write_group(pdf: PackPDF, group: PackGroup) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    title = redact_emails(group.info.title) if group.info else _("Ideas not in a theme")
    pdf.text_block(title, size=12.5, style="B", gap=0.3)
    pdf.text_block(_counts(len(group.ideas), group.support_count), size=9, colour=85)
    if group.info is not None:
        pdf.text_block(redact_emails(group.info.summary), size=10)
        if group.info.public_answer:
            pdf.text_block(_("Public answer") + ": " + redact_emails(group.info.public_answer),
                           size=10, style="B", colour=40)
    pdf.ln(1)
    for item in group.ideas:
        _write_idea(pdf, item)


def _write_section(pdf: PackPDF, section: PackSection) -> None:
    pdf.add_page()
    rec = section.recommendation
    pdf.text_block(rec.title if rec else _("Ideas not linked to a recommendation"), size=15,
                   style="B", gap=0.5)
    if rec is not None:
        pdf.text_block(rec.forum_title, size=9, colour=85)
        pdf.text_block(rec.text, size=10.5)
    pdf.text_block(_counts(section.idea_count, section.support_count), size=10, style="B")
    pdf.ln(2)
    for group in section.groups:
        _write_group(pdf, group)


def write_pack_pdf(target: IO[bytes], document: PackDocument, title: str) -> None:
    pdf = PackPDF(title, document.locale)
    pdf.add_page()
    pdf.text_block(title, size=20, style="B", gap=2)
    pdf.text_block(" · ".join(p for p in (document.forum_date, document.forum_venue) if p), size=11)
    pdf.text_block(_counts(document.idea_count, document.support_count), size=11, style="B")
    pdf.text_block(_("Prepared on %(day)s. Made from the ideas published on #MyAlmaty Ideas.",
                     day=document.made_on), size=9, colour=85)
    if not document.sections:
        pdf.text_block(_("No published idea is on this forum's agenda yet."), size=11)
    else:
        pdf.ln(4)
        pdf.text_block(_("Contents"), size=13, style="B")
        for section in document.sections:
            rec = section.recommendation
            name = rec.title if rec else _("Ideas not linked to a recommendation")
            pdf.text_block(f"{name} — {_counts(section.idea_count, section.support_count)}",
                           size=10, gap=0.6)
    for section in document.sections:
        _write_section(pdf, section)
    target.write(bytes(pdf.output()))
