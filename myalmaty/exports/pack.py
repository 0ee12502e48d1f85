"""The discussion pack for one forum: a ZIP to print from and to take to the venue.

It holds the printable document (recommendation → groups → ideas, with supports, public
answers and the latest comments) as HTML with print styles and as PDF, and the forum's
ideas as XLSX, GeoJSON and the offline map. An idea linked to several recommendations is
shown under each of them; ideas on the agenda but linked to none come last.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from myalmaty.core.models import translated_in, utcnow
from myalmaty.exports.columns import local_day, redact_emails
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.geojson_writer import geojson_chunks
from myalmaty.exports.offline_map import offline_map_chunks
from myalmaty.exports.pack_pdf import write_pack_pdf
from myalmaty.exports.queries import (
    CommentExcerpt,
    GroupInfo,
    IdeaRow,
    RecommendationInfo,
    ReferenceData,
    agenda_positions,
    forum_by_id,
    iter_idea_rows,
    latest_visible_comments,
)
from myalmaty.exports.xlsx_writer import write_xlsx

MEDIA_TYPE = "application/zip"
CHUNK_BYTES = 64 * 1024


@dataclass
class PackIdea:
    row: IdeaRow
    comments: list[CommentExcerpt]


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
    def idea_count(self) -> int:
        return sum(len(g.ideas) for g in self.groups)

    @property
    def support_count(self) -> int:
        return sum(g.support_count for g in self.groups)


@dataclass
class PackDocument:
    locale: str
    forum_title: str
    forum_venue: str
    forum_date: str
    made_on: str
    sections: list[PackSection]
    idea_count: int
    support_count: int


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
    return PackSection(recommendation, [grouped[i] for i in order] + ([loose] if loose.ideas else []))


def build_pack_document(filters: ExportFilters, reference: ReferenceData) -> PackDocument:
    forum = forum_by_id(filters.forum_id) if filters.forum_id is not None else None
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
    locale = reference.locale
    return PackDocument(
        locale=locale,
        forum_title=translated_in(forum, "title", locale) if forum else "",
        forum_venue=translated_in(forum, "venue", locale) if forum else "",
        forum_date=format_date(forum.held_on, "long") if forum else "",
        made_on=format_date(utcnow(), "long"),
        sections=sections,
        idea_count=len(rows),
        support_count=sum(r.support_count for r in rows),
    )


def render_pack_html(document: PackDocument) -> str:
    template = current_app.jinja_env.get_template("exports/pack.html")
    return template.render(doc=document, redact=redact_emails, long_day=_long_day)


def _long_day(moment: dt.datetime | None) -> str:
    day = local_day(moment)
    return format_date(day, "long") if day else ""


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
    title = _("Discussion pack: %(forum)s", forum=document.forum_title)
    selection = filters.area.describe() if filters.area is not None else ""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if filters.area is not None:
            archive.writestr(_member("selection.txt"), _("Selection: %(selection)s",
                                                         selection=filters.area.describe()) + "\n")
        archive.writestr(_member("discussion-pack.html"), render_pack_html(document))
        with archive.open(_member("discussion-pack.pdf"), "w") as member:
            write_pack_pdf(member, document, title)
        with archive.open(_member("ideas.xlsx"), "w") as member:
            write_xlsx(member, rows(), filters, reference)
        _write_chunks(archive, "ideas.geojson", geojson_chunks(rows()))
        _write_chunks(
            archive, "map.html",
            offline_map_chunks(rows(), reference, _("Ideas for %(forum)s", forum=document.forum_title),
                               " ".join(filter(None, (document.forum_date, selection)))),
        )


def pack_chunks(filters: ExportFilters, reference: ReferenceData,
                rows: Callable[[], Iterator[IdeaRow]]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        write_pack(spool, filters, reference, rows)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
