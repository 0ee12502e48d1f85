"""The discussion pack for one forum: a ZIP to print from and to take to the venue.

It holds the printable document as HTML (with print styles) and as PDF, and the forum's ideas
as XLSX, GeoJSON and the offline map. The document is: a cover with the contents; the agenda
in order with its notes; for each recommendation and each theme under it, its text, a summary
and a map of its ideas; the ideas with their reference, supporters, first small step, public
answer, latest comments (never their authors) and a QR code to their page; and a worksheet
page per theme for the table.

One content model feeds both files: `build_pack_document` turns the forum into a list of
blocks whose every string is final (formatted, translated, made printable), and the HTML
template and the PDF writer only lay those blocks out. So the two say the same, word for word.
An idea linked to several recommendations is shown under each of them; ideas on the agenda
but linked to none come last.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import IO

import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from fontTools.ttLib import TTFont

from myalmaty.core.models import translated_in, utcnow
from myalmaty.exports.columns import local_day, redact_emails
from myalmaty.exports.filters import ExportFilters, idea_conditions
from myalmaty.exports.geojson_writer import geojson_chunks
from myalmaty.exports.offline_map import offline_map_chunks
from myalmaty.exports.pack_blocks import Blanks, Block, IdeaEntry, NewPage, PackDocument, Para, Picture
from myalmaty.exports.pack_map import MapImage, MapPoint, render_map
from myalmaty.exports.pack_pdf import FONT_FILES, write_pack_pdf
from myalmaty.exports.queries import (
    AgendaEntry,
    CommentExcerpt,
    GroupInfo,
    IdeaRow,
    RecommendationInfo,
    ReferenceData,
    agenda_entries,
    agenda_positions,
    forum_by_id,
    iter_idea_rows,
    latest_visible_comments,
    quarter_outlines,
)
from myalmaty.exports.xlsx_writer import write_xlsx
from myalmaty.ideas.similarity.synthesis import (
    RECOMMENDATION,
    THEME,
    Scope,
    Synthesis,
    recommendation_members,
    synthesise,
    theme_members,
)

MEDIA_TYPE = "application/zip"
CHUNK_BYTES = 64 * 1024
# What stands, in both files, for a character the pack's font cannot draw: seen, never lost.
REPLACEMENT = "\ufffd"
# Invisible parts of emoji sequences: joiners, variation selectors, skin tones. They belong to
# the character before them, and are dropped with it when that one is replaced.
_JOINERS = {0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)}
WORKSHEET_ROWS = 8


# --- What goes in, grouped ------------------------------------------------------------------

@dataclass
class PackIdea:
    row: IdeaRow
    comments: list[CommentExcerpt]
    number: int = 0  # the idea's number in its section: its marker on the section's maps


@dataclass
class PackGroup:
    info: GroupInfo | None  # None: the section's ideas that are in no group
    ideas: list[PackIdea] = field(default_factory=list)

    @property
    def support_count(self) -> int:
        return sum(i.row.support_count for i in self.ideas)


@dataclass
class PackSection:
    recommendation: RecommendationInfo | None  # None: ideas linked to no recommendation
    groups: list[PackGroup]

    @property
    def ideas(self) -> list[PackIdea]:
        return [idea for group in self.groups for idea in group.ideas]

    @property
    def support_count(self) -> int:
        return sum(g.support_count for g in self.groups)


def _section(recommendation: RecommendationInfo | None, rows: list[IdeaRow],
             comments: dict[int, list[CommentExcerpt]], reference: ReferenceData,
             group_order: dict[int, int]) -> PackSection:
    grouped: dict[int, PackGroup] = {}
    loose = PackGroup(None)
    for row in sorted(rows, key=lambda r: (-r.support_count, r.id)):
        info = reference.groups.get(row.group_id) if row.group_id else None
        target = grouped.setdefault(info.id, PackGroup(info)) if info else loose
        target.ideas.append(PackIdea(row, comments.get(row.id, [])))
    order = sorted(grouped, key=lambda group_id: (
        group_order.get(group_id, len(group_order)), reference.groups[group_id].title.casefold()
    ))
    section = PackSection(recommendation, [grouped[i] for i in order] + ([loose] if loose.ideas else []))
    for number, idea in enumerate(section.ideas, start=1):
        idea.number = number
    return section


# --- Formatting: every string either file shows is made here ------------------------------

@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    """The characters every font of the PDF can draw (regular and bold alike)."""
    fonts = resources.files("myalmaty.data").joinpath("fonts")
    covered: set[int] | None = None
    for name in FONT_FILES.values():
        with TTFont(io.BytesIO(fonts.joinpath(name).read_bytes()), lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


def printable(text: str) -> str:
    """The text as the pack prints it: a tab is a space, and a character the font lacks (an
    emoji, a rare script) becomes one visible REPLACEMENT mark, never nothing. An emoji made
    of several joined by zero-width joiners is one mark."""
    covered = _font_characters()
    text = text.replace("\r\n", "\n").replace("\t", " ")
    out: list[str] = []
    for index, char in enumerate(text):
        code = ord(char)
        if code in _JOINERS:
            continue
        if char == "\n" or code in covered:
            out.append(char)
        elif not (out and out[-1] == REPLACEMENT and index > 0 and text[index - 1] == "\u200d"):
            out.append(REPLACEMENT)
    return "".join(out)


def resident(text: str) -> str:
    """What a resident wrote, as printed: e-mail addresses removed, made printable."""
    return printable(redact_emails(text))


def counts(ideas: int, supports: int) -> str:
    return "{} · {}".format(
        ngettext("%(num)d idea", "%(num)d ideas", ideas),
        ngettext("%(num)d support", "%(num)d supports", supports),
    )


def long_day(moment: dt.datetime | None) -> str:
    day = local_day(moment)
    return format_date(day, "long") if day else ""


def labelled(label: str, text: str) -> str:
    return f"{label}: {text}"


@lru_cache(maxsize=1024)  # an idea under several recommendations is encoded once
def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _recommendation_title(rec: RecommendationInfo | None) -> str:
    return printable(rec.title) if rec else _("Ideas not linked to a recommendation")


def _group_title(group: PackGroup) -> str:
    return resident(group.info.title) if group.info else _("Ideas not in a theme")


def _quarters(ideas: Sequence[PackIdea]) -> str:
    names = sorted({i.row.quarter for i in ideas if i.row.quarter}, key=str.casefold)
    return labelled(_("Quarters"), ", ".join(names)) if names else ""


class MapMaker:
    """Draws the pack's maps; those from the tile file share one budget of bytes (the offline
    map's, OFFLINE_TILES_MAX_BYTES), past which maps are drawn from the outlines: a forum with
    many themes gets a PDF that still mails."""

    def __init__(self, outlines: Sequence[tuple[str, str]]) -> None:
        self.outlines = outlines
        self.budget = int(current_app.config["OFFLINE_TILES_MAX_BYTES"])

    def __call__(self, points: Sequence[MapPoint]) -> MapImage:
        if self.budget > 0:
            image = render_map(points, self.outlines)
            if not image.from_tiles:
                return image
            self.budget -= len(image.data)
            if self.budget >= 0:
                return image
        return render_map(points, self.outlines, tiles=False)


def _map(ideas: Sequence[PackIdea], draw: MapMaker) -> list[Block]:
    image = draw([MapPoint(i.number, i.row.lat, i.row.lon) for i in ideas])
    return [
        Picture(image, _("Map of the ideas")),
        Para("meta", _("On the map, each number is the idea of that number below.")),
    ]


def _idea(item: PackIdea) -> IdeaEntry:
    row = item.row
    meta = [row.reference, row.category, row.quarter, row.stage_label,
            ngettext("%(num)d support", "%(num)d supports", row.support_count)]
    paras = [
        Para("h4", f"{item.number}. {resident(row.title)}"),
        Para("meta", printable(" · ".join(m for m in meta if m))),
        Para("body", resident(row.description)),
    ]
    if row.first_step:
        paras.append(Para("body", labelled(_("First small step"), resident(row.first_step))))
    if row.public_answer:
        paras.append(Para("answer", labelled(_("Public answer"), resident(row.public_answer))))
    paras.extend(Para("comment", f"— {long_day(c.created_at)}: {resident(c.body)}") for c in item.comments)
    link_text = labelled(_("Idea page"), row.link)
    return IdeaEntry(tuple(p for p in paras if p.text), row.link, link_text, qr_png(row.link))


def _syntheses(filters: ExportFilters, sections: list[PackSection]) -> dict[Scope, Synthesis]:
    """Each section's recommendation and each theme, over the ideas the pack holds."""
    conditions = idea_conditions(filters)
    recommendations = [s.recommendation.id for s in sections if s.recommendation is not None]
    themes = list(dict.fromkeys(g.info.id for s in sections for g in s.groups if g.info))
    if not recommendations and not themes:
        return {}
    members = sa.union_all(recommendation_members(recommendations, conditions),
                           theme_members(themes, conditions))
    return synthesise(members, [(RECOMMENDATION, r) for r in recommendations]
                      + [(THEME, t) for t in themes])


def _synthesis(synthesis: Synthesis, heading: str) -> list[Block]:
    """The synthesis in words (`ideas.similarity.synthesis`), as the web pages give it."""
    blocks: list[Block] = [Para(heading, _("Synthesis of the ideas"))]
    if synthesis.is_empty:
        return [*blocks, Para("body", _("No ideas yet."))]
    quarters = ", ".join(synthesis.quarters) or "—"
    if synthesis.outside_quarters:
        quarters += " ({})".format(ngettext("%(num)d idea outside the creative quarters",
                                            "%(num)d ideas outside the creative quarters",
                                            synthesis.outside_quarters))
    facts = [ngettext("%(num)d idea", "%(num)d ideas", synthesis.idea_count),
             ngettext("%(num)d supporter", "%(num)d supporters", synthesis.supporters),
             labelled(_("Quarters covered"), quarters)]
    blocks += [Para("counts", printable(" · ".join(facts))),
               Para("body", labelled(_("Key words"), resident(", ".join(synthesis.key_words))))]
    blocks.append(Para("body", labelled(_("Most representative ideas"), "; ".join(
        f"{idea.reference} {resident(idea.title)}" for idea in synthesis.representative))))
    if (top := synthesis.most_supported) is not None:
        supporters = ngettext("%(num)d supporter", "%(num)d supporters", top.support_count)
        blocks.append(Para("body", labelled(_("Most supported idea"),
                                            f"{top.reference} {resident(top.title)} ({supporters})")))
    return blocks


def _agenda(entries: list[AgendaEntry]) -> list[Block]:
    blocks: list[Block] = [Para("h2", _("Agenda"))]
    if not entries:
        return [*blocks, Para("body", _("Nothing is on this forum's agenda yet."))]
    for number, entry in enumerate(entries, start=1):
        if entry.group_id is not None:
            subject = _("Theme: %(title)s", title=resident(entry.title))
        else:
            subject = _("Idea %(reference)s: %(title)s", reference=entry.reference,
                        title=resident(entry.title))
        when = f"{entry.starts_at:%H:%M} · " if entry.starts_at is not None else ""
        blocks.append(Para("agenda", f"{number}. {when}{subject}"))
        if entry.note:
            blocks.append(Para("note", labelled(_("Note for the discussion"), resident(entry.note))))
    return blocks


def _worksheet(info: GroupInfo, ideas: Sequence[PackIdea]) -> list[Block]:
    questions = [
        _("Which problem do these ideas solve, and for whom?"),
        _("What is already there to start with: people, places, permissions?"),
        _("Which idea can start first, and what would show it works?"),
    ]
    return [
        NewPage(),
        Para("h2", _("Worksheet: %(theme)s", theme=resident(info.title))),
        Para("meta", _("For the table discussing this theme. Write by hand; the organisers "
                       "collect the sheets.")),
        Para("h3", _("Ideas in this theme")),
        *(Para("agenda", printable(" · ".join((i.row.reference, redact_emails(i.row.title),
                                                 ngettext("%(num)d support", "%(num)d supports",
                                                          i.row.support_count)))))
          for i in ideas),
        Para("h3", _("Questions to discuss")),
        *(Para("question", f"{n}. {q}") for n, q in enumerate(questions, start=1)),
        Para("h3", _("What the table agrees")),
        Blanks((_("First small step"), _("Who"), _("By when")), WORKSHEET_ROWS),
    ]


def build_pack_document(filters: ExportFilters, reference: ReferenceData) -> PackDocument:
    forum = forum_by_id(filters.forum_id) if filters.forum_id is not None else None
    locale = reference.locale
    rows = list(iter_idea_rows(filters, reference))
    comments = latest_visible_comments([r.id for r in rows])
    group_order, _idea_order = agenda_positions(forum.id) if forum else ({}, {})
    sections = []
    for rec_id, recommendation in reference.recommendations.items():
        linked = [r for r in rows if rec_id in r.recommendation_ids]
        if linked:
            sections.append(_section(recommendation, linked, comments, reference, group_order))
    unlinked = [r for r in rows if not r.recommendation_ids]
    if unlinked:
        sections.append(_section(None, unlinked, comments, reference, group_order))

    forum_title = printable(translated_in(forum, "title", locale)) if forum else ""
    title = _("Discussion pack: %(forum)s", forum=forum_title)
    venue = printable(translated_in(forum, "venue", locale)) if forum else ""
    held_on = format_date(forum.held_on, "long") if forum else ""
    blocks: list[Block] = [
        Para("title", title),
        Para("body", " · ".join(p for p in (held_on, venue) if p)),
        Para("counts", counts(len(rows), sum(r.support_count for r in rows))),
        Para("meta", _("Prepared on %(day)s. Made from the ideas published on #MyAlmaty Ideas.",
                       day=format_date(utcnow(), "long"))),
    ]
    if not sections:
        blocks.append(Para("body", _("No published idea is on this forum's agenda yet.")))
    else:
        blocks.append(Para("h2", _("Contents")))
        blocks.extend(
            Para("agenda", f"{_recommendation_title(s.recommendation)} — "
                           f"{counts(len(s.ideas), s.support_count)}")
            for s in sections
        )
    blocks.append(NewPage())
    blocks.extend(_agenda(agenda_entries(forum.id) if forum else []))

    draw = MapMaker(quarter_outlines(locale))
    syntheses = _syntheses(filters, sections)
    themes: dict[int, PackGroup] = {}
    for section in sections:
        rec = section.recommendation
        blocks += [NewPage(), Para("h2", _recommendation_title(rec))]
        if rec is not None:
            blocks += [Para("meta", printable(rec.forum_title)), Para("body", printable(rec.text))]
        blocks += [Para("counts", counts(len(section.ideas), section.support_count)),
                   Para("meta", _quarters(section.ideas))]
        if rec is not None:
            blocks += _synthesis(syntheses[(RECOMMENDATION, rec.id)], "h3")
        blocks += _map(section.ideas, draw)
        for group in section.groups:
            blocks += [Para("h3", _group_title(group)),
                       Para("counts", counts(len(group.ideas), group.support_count))]
            if group.info is not None:
                blocks.append(Para("body", resident(group.info.summary)))
                if group.info.id not in themes:  # a theme under several recommendations: once
                    blocks += _synthesis(syntheses[(THEME, group.info.id)], "h4")
                themes.setdefault(group.info.id, group)
                if group.info.public_answer:
                    blocks.append(Para("answer", labelled(_("Public answer"),
                                                          resident(group.info.public_answer))))
                blocks += _map(group.ideas, draw)
            blocks += [_idea(item) for item in group.ideas]
    for theme in themes.values():
        if theme.info is not None:
            blocks += _worksheet(theme.info, theme.ideas)
    # Empty paragraphs (a venue not given, a summary not written) are left out of both files.
    return PackDocument(locale, title, [b for b in blocks if not isinstance(b, Para) or b.text])


def render_pack_html(document: PackDocument) -> str:
    template = current_app.jinja_env.get_template("exports/pack.html")
    return template.render(doc=document)


def _member(name: str) -> zipfile.ZipInfo:
    """A ZIP entry dated now (entries opened for writing would otherwise say 1980)."""
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().astimezone().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_chunks(archive: zipfile.ZipFile, name: str, chunks: Iterator[bytes]) -> None:
    with archive.open(_member(name), "w") as member:
        for chunk in chunks:
            member.write(chunk)


def write_pack(target: IO[bytes], filters: ExportFilters, reference: ReferenceData,
               rows: Callable[[], Iterator[IdeaRow]]) -> None:
    """`rows()` gives a fresh pass over the forum's ideas for each file that lists them."""
    document = build_pack_document(filters, reference)
    forum = forum_by_id(filters.forum_id) if filters.forum_id is not None else None
    forum_title = translated_in(forum, "title", reference.locale) if forum else ""
    forum_date = format_date(forum.held_on, "long") if forum else ""
    selection = filters.area.describe() if filters.area is not None else ""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if filters.area is not None:
            archive.writestr(_member("selection.txt"),
                             _("Selection: %(selection)s", selection=selection) + "\n")
        archive.writestr(_member("discussion-pack.html"), render_pack_html(document))
        with archive.open(_member("discussion-pack.pdf"), "w") as member:
            write_pack_pdf(member, document)
        with archive.open(_member("ideas.xlsx"), "w") as member:
            write_xlsx(member, rows(), filters, reference)
        _write_chunks(archive, "ideas.geojson", geojson_chunks(rows()))
        _write_chunks(
            archive, "map.html",
            offline_map_chunks(rows(), reference, _("Ideas for %(forum)s", forum=forum_title),
                               " ".join(filter(None, (forum_date, selection)))),
        )


def pack_chunks(filters: ExportFilters, reference: ReferenceData,
                rows: Callable[[], Iterator[IdeaRow]]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        write_pack(spool, filters, reference, rows)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
