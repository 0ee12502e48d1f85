"""Reading what exports contain, in bounded memory.

Ideas are read by one query whose rows are fetched in batches (`yield_per`: a server-side
cursor on PostgreSQL, the cursor's own stepping on SQLite), so memory holds one batch at a
time however many ideas match; the recommendations each batch takes up (`domain.rules`) are
read with one more query. (Keyset pages, `id > last LIMIT n`, were tried first: SQLite then
preferred the status index and sorted every page again, so 100,000 ideas took 18 times as long
as 10,000.)
Reference data (categories, quarters, groups, recommendations) is small and read once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, overload

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_timezone
from sqlalchemy import orm as so

from myalmaty.core.models import UTCDateTime, translated_in
from myalmaty.domain.ideas import Comment, CommentStatus, Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import (
    AgendaItem,
    Category,
    Forum,
    Quarter,
    Recommendation,
)
from myalmaty.domain.rules import idea_recommendation_pairs
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.exports.filters import ExportFilters, idea_conditions
from myalmaty.extensions import db

BATCH_SIZE = 1000

# Told how many ideas each batch held, while an export job writes its file (`reporting_progress`).
_progress: ContextVar[Callable[[int], None] | None] = ContextVar("export_progress", default=None)


@contextmanager
def reporting_progress(report: Callable[[int], None]) -> Iterator[None]:
    """Within the block, every batch of ideas an export reads is reported: `report(n)`."""
    token = _progress.set(report)
    try:
        yield
    finally:
        _progress.reset(token)


def progress_reporter() -> Callable[[int], None] | None:
    """What to tell how many ideas a batch held, if an export job is writing its file."""
    return _progress.get()


def count_idea_rows(filters: ExportFilters) -> int:
    """How many ideas an export with these filters holds (an export job's progress total)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Idea).where(*idea_conditions(filters))
    ) or 0


@dataclass(frozen=True)
class RecommendationInfo:
    id: int
    title: str
    text: str
    forum_title: str


@dataclass
class GroupInfo:
    id: int
    title: str
    summary: str
    stage: IdeaStage
    public_answer: str
    recommendation_ids: list[int] = field(default_factory=list)


@dataclass
class ReferenceData:
    """Names in the export's language, keyed by id; recommendations in forum order."""

    locale: str
    categories: dict[int, str]
    quarters: dict[int, str]
    groups: dict[int, GroupInfo]
    recommendations: dict[int, RecommendationInfo]
    # Looked up once per export rather than once per row: 100,000 rows make it count.
    stage_labels: dict[IdeaStage, str]
    timezone: dt.tzinfo

    # {UTC hour (proleptic ordinal * 24 + hour): the local day of every moment in that hour}.
    _days: dict[int, dt.date | None] = field(default_factory=dict, repr=False)

    @overload
    def local_day(self, moment: dt.datetime) -> dt.date: ...
    @overload
    def local_day(self, moment: dt.datetime | None) -> dt.date | None: ...
    def local_day(self, moment: dt.datetime | None) -> dt.date | None:
        """The day in the platform's time zone (Almaty), which is what people call the date.

        `moment` is in UTC, aware as every stored time is read (`core.models.UTCDateTime`) or
        naive as SQLite stores it (`utc_as_stored`). The time
        zone is consulted once per UTC hour, not once per row: every moment of an hour falls
        on the same local day unless local midnight or a change of offset falls inside it
        (offsets of whole hours never do that); such an hour is converted moment by moment.
        """
        if moment is None:
            return None
        hour = moment.toordinal() * 24 + moment.hour
        try:
            day = self._days[hour]
        except KeyError:
            day = self._days[hour] = self.day_of_hour(moment)
        if day is None:
            return moment.replace(tzinfo=dt.UTC).astimezone(self.timezone).date()
        return day

    def day_of_hour(self, moment: dt.datetime) -> dt.date | None:
        """The local day of the whole UTC hour holding `moment`, or None if it has two."""
        moment = moment.replace(tzinfo=dt.UTC)  # aware in UTC already, or naive in UTC
        first = moment.replace(minute=0, second=0, microsecond=0).astimezone(self.timezone)
        last = (moment.replace(minute=59, second=59, microsecond=999_999)
                .astimezone(self.timezone))
        if first.date() == last.date() and first.utcoffset() == last.utcoffset():
            return first.date()
        return None

    def recommendation_titles(self, ids: list[int]) -> list[str]:
        return [self.recommendations[i].title for i in ids if i in self.recommendations]


def load_reference_data(locale: str) -> ReferenceData:
    categories = {
        c.id: translated_in(c, "name", locale) for c in db.session.scalars(sa.select(Category))
    }
    named = [(q.id, translated_in(q, "name", locale)) for q in db.session.scalars(sa.select(Quarter))]
    # In the export's alphabet: the coverage sheet's columns follow this order.
    quarters = dict(sorted(named, key=lambda item: (item[1].casefold(), item[0])))
    recommendations: dict[int, RecommendationInfo] = {}
    for rec, forum in db.session.execute(
        sa.select(Recommendation, Forum)
        .join(Forum, Recommendation.forum_id == Forum.id)
        .order_by(Forum.held_on, Forum.id, Recommendation.position)
    ):
        recommendations[rec.id] = RecommendationInfo(
            id=rec.id,
            title=translated_in(rec, "title", locale),
            text=translated_in(rec, "text", locale),
            forum_title=translated_in(forum, "title", locale),
        )
    groups = {
        g.id: GroupInfo(g.id, g.title, g.summary, g.stage, g.public_answer)
        for g in db.session.scalars(
            sa.select(IdeaGroup).where(IdeaGroup.is_active).order_by(IdeaGroup.id)
        )
    }
    group_links = db.session.execute(
        sa.select(RecommendationLink.group_id, RecommendationLink.recommendation_id)
        .where(RecommendationLink.group_id.is_not(None))
    )
    for group_id, rec_id in group_links:
        if group_id in groups:
            groups[group_id].recommendation_ids.append(rec_id)
    order = {rec_id: n for n, rec_id in enumerate(recommendations)}
    for group in groups.values():
        group.recommendation_ids.sort(key=lambda r: order.get(r, len(order)))
    stage_labels = {stage: stage.label for stage in IdeaStage}
    return ReferenceData(locale, categories, quarters, groups, recommendations, stage_labels,
                         get_timezone())


class IdeaRow(NamedTuple):
    """One exported idea with its names resolved; never anything about its author.

    A tuple (built by position, read by name): 100,000 of them are made per export."""

    id: int
    reference: str
    title: str
    description: str
    first_step: str
    category: str
    quarter: str
    group_id: int | None
    group: str
    recommendation_ids: tuple[int, ...]
    recommendations: tuple[str, ...]
    stage: IdeaStage
    stage_label: str
    public_answer: str
    support_count: int
    comment_count: int
    lat: float
    lon: float
    link: str
    published_on: dt.date | None
    created_on: dt.date


def idea_reference(created_at: dt.datetime, idea_id: int) -> str:
    """`2026-00042`: the year the idea was submitted (UTC) and its number."""
    return f"{created_at.year:04d}-{idea_id:05d}"


IDEA_FIELDS = (
    Idea.id, Idea.created_at, Idea.published_at, Idea.title, Idea.description, Idea.first_step,
    Idea.category_id, Idea.quarter_id, Idea.group_id, Idea.stage, Idea.public_answer,
    Idea.support_count, Idea.comment_count, Idea.lat, Idea.lon,
)


def utc_as_stored(columns: Iterable[Any], dialect: str) -> list[Any]:
    """`columns`, the UTC times among them read as SQLite stores them: naive, in UTC (what
    `UTCDateTime` would make aware, a call per value); on other databases as they are."""
    if dialect != "sqlite":
        return list(columns)
    return [sa.type_coerce(c, sa.DateTime()) if isinstance(c.type, UTCDateTime) else c
            for c in columns]


class UrlBuilder(Protocol):
    def __call__(self, endpoint: str, **values: object) -> str: ...


def public_url_builder() -> UrlBuilder:
    """Absolute links to public pages, the same from a request and from the command line."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("export.invalid", url_scheme="http")

    def build(endpoint: str, **values: object) -> str:
        return base + adapter.build(endpoint, values)

    return build


# An id no row has, put in a link's place of the id to find that place in the text around it.
LINK_ID_MARKER = 9_173_528_461


def public_link_maker(endpoint: str, key: str) -> Callable[[int], str]:
    """`make(42)`: the absolute link to `endpoint` for the id 42; the URL is built once, with a
    marker in place of the id, and each link is that URL with the id put back (no routing)."""
    url = public_url_builder()(endpoint, **{key: LINK_ID_MARKER})
    prefix, suffix = url.split(str(LINK_ID_MARKER))  # one occurrence: the id is a path segment
    return lambda value: f"{prefix}{value}{suffix}"


def _linked_directly(idea_ids: list[int]) -> dict[int, frozenset[int]]:
    """The recommendations each of these ideas (in id order) is linked to itself (not through
    its theme), and perhaps of other ideas between them, which no one asks about.

    By the range of ids rather than `IN (…)` a thousand ids: binding a thousand literals cost
    more than reading the links (a few per cent of a 100,000-idea CSV export)."""
    linked: dict[int, set[int]] = defaultdict(set)
    for idea_id, rec_id in db.session.connection().execute(
        sa.select(RecommendationLink.idea_id, RecommendationLink.recommendation_id)
        .where(RecommendationLink.idea_id.between(idea_ids[0], idea_ids[-1]))
    ):
        linked[idea_id or 0].add(rec_id)  # never 0: the ids asked for
    return {idea_id: frozenset(ids) for idea_id, ids in linked.items()}


class RecommendationsTakenUp:
    """The recommendations ideas take up (`domain.rules`: linked themselves, or through their
    active theme), read batch by batch: `linked(ids)` reads the direct links of a batch of
    ideas (in id order) with one query, and `of((linked.get(id), group_id))` names them in
    forum order; each distinct set of links is ordered and named once.

    The themes' links come with the reference data (`GroupInfo.recommendation_ids`, active
    themes only). Asking `rules.idea_recommendation_links` per batch would walk every theme's
    ideas for each batch, a cost that grows with the whole table (test_shared_rules checks the
    two agree)."""

    def __init__(self, reference: ReferenceData) -> None:
        self._reference = reference
        self._order = {rec_id: n for n, rec_id in enumerate(reference.recommendations)}
        # {(recommendations linked directly, theme): (their ids in forum order, their titles)}
        self._taken_up_as: dict[tuple[frozenset[int] | None, int | None],
                                tuple[tuple[int, ...], tuple[str, ...]]] = {}

    @staticmethod
    def linked(idea_ids: list[int]) -> dict[int, frozenset[int]]:
        return _linked_directly(idea_ids)

    def of(self, key: tuple[frozenset[int] | None, int | None]
           ) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """(ids, titles) for `key`: (the idea's direct links or None, its active theme or None)."""
        if (recommendations := self._taken_up_as.get(key)) is None:
            linked, group_id = key
            ids = set(linked or ())
            if (group := self._reference.groups.get(group_id or 0)) is not None:
                ids.update(group.recommendation_ids)
            order = self._order
            ordered = tuple(sorted(ids, key=lambda i: order.get(i, len(order))))
            recommendations = self._taken_up_as[key] = (
                ordered, tuple(self._reference.recommendation_titles(list(ordered))))
        return recommendations


def iter_idea_rows(
    filters: ExportFilters, reference: ReferenceData, batch_size: int = BATCH_SIZE
) -> Iterator[IdeaRow]:
    """Every idea the filters match, in id order, one batch in memory at a time.

    Everything that is the same for many rows is worked out once: a link is a prefix and the
    id, a day is looked up per hour (`ReferenceData.local_day`), the recommendations of each
    distinct set of links are ordered and named once (`RecommendationsTakenUp`)."""
    return _idea_rows(idea_conditions(filters), reference, batch_size, report_progress=True)


def idea_rows_with_ids(idea_ids: list[int], reference: ReferenceData) -> list[IdeaRow]:
    """The ideas with these ids (at most a batch of them), read as `iter_idea_rows` reads
    them: for the few rows a faster export path leaves to it."""
    return list(_idea_rows([Idea.id.in_(idea_ids)], reference, BATCH_SIZE,
                           report_progress=False))


def _idea_rows(
    conditions: list[sa.ColumnElement[bool]], reference: ReferenceData, batch_size: int,
    report_progress: bool,
) -> Iterator[IdeaRow]:
    idea_link = public_link_maker("ideas.detail", "idea_id")
    taken_up = RecommendationsTakenUp(reference)
    categories, quarters, groups = reference.categories, reference.quarters, reference.groups
    stage_labels, local_day = reference.stage_labels, reference.local_day
    # Core rows straight from the session's connection: no ORM entities are loaded.
    connection = db.session.connection()
    result = connection.execute(
        sa.select(*utc_as_stored(IDEA_FIELDS, connection.dialect.name))
        .where(*conditions).order_by(Idea.id),
        execution_options={"yield_per": batch_size},
    )
    for batch in result.partitions():
        linked = taken_up.linked([r[0] for r in batch])
        for (idea_id, created_at, published_at, title, description, first_step, category_id,
             quarter_id, group_id, stage, public_answer, support_count, comment_count, lat,
             lon) in batch:
            group = groups.get(group_id) if group_id else None
            yield IdeaRow(
                idea_id,
                idea_reference(created_at, idea_id),
                title,
                description,
                first_step,
                categories.get(category_id, ""),
                quarters.get(quarter_id, "") if quarter_id else "",
                group.id if group else None,
                group.title if group else "",
                *taken_up.of((linked.get(idea_id), group.id if group else None)),
                stage,
                stage_labels[stage],
                public_answer,
                support_count,
                comment_count,
                lat,
                lon,
                idea_link(idea_id),
                local_day(published_at),
                local_day(created_at),
            )
        if report_progress and (report := _progress.get()) is not None:
            report(len(batch))


@dataclass(frozen=True)
class GroupSummary:
    group: GroupInfo
    idea_count: int
    support_count: int
    link: str
    recommendations: tuple[str, ...]


def group_summaries(filters: ExportFilters, reference: ReferenceData) -> list[GroupSummary]:
    """The groups holding at least one exported idea, with how many and their supports."""
    url = public_url_builder()
    rows = db.session.execute(
        sa.select(Idea.group_id, sa.func.count(Idea.id), sa.func.sum(Idea.support_count))
        .where(*idea_conditions(filters), Idea.group_id.is_not(None))
        .group_by(Idea.group_id)
    )
    counts = {group_id: (n, supports or 0) for group_id, n, supports in rows}
    return [
        GroupSummary(
            group, *counts[group_id], url("themes.group", group_id=group_id),
            tuple(reference.recommendation_titles(group.recommendation_ids)),
        )
        for group_id, group in reference.groups.items()
        if group_id in counts
    ]


def coverage_counts(filters: ExportFilters) -> dict[tuple[int, int | None], int]:
    """{(recommendation_id, quarter_id or None): number of exported ideas linked to it}."""
    pairs = idea_recommendation_pairs()
    rows = db.session.execute(
        sa.select(pairs.c.recommendation_id, Idea.quarter_id, sa.func.count(sa.distinct(Idea.id)))
        .join(Idea, Idea.id == pairs.c.idea_id)
        .where(*idea_conditions(filters))
        .group_by(pairs.c.recommendation_id, Idea.quarter_id)
    )
    return {(rec_id, quarter_id): n for rec_id, quarter_id, n in rows}


class CommentRow(NamedTuple):
    """One visible comment on an exported idea, for the spreadsheet; its author is not read."""

    idea_id: int
    reference: str
    idea_title: str
    created_on: dt.date
    body: str


def iter_visible_comments(
    filters: ExportFilters, reference: ReferenceData, batch_size: int = BATCH_SIZE
) -> Iterator[CommentRow]:
    """The visible comments on every idea the filters match, idea by idea, oldest first,
    one batch in memory at a time. Hidden comments never leave the platform."""
    local_day = reference.local_day
    connection = db.session.connection()
    fields = (Comment.idea_id, Idea.created_at, Idea.title, Comment.created_at, Comment.body)
    result = connection.execute(
        sa.select(*utc_as_stored(fields, connection.dialect.name))
        .join(Idea, Idea.id == Comment.idea_id)
        .where(*idea_conditions(filters), Comment.status == CommentStatus.VISIBLE)
        .order_by(Comment.idea_id, Comment.created_at, Comment.id),
        execution_options={"yield_per": batch_size},
    )
    for batch in result.partitions():
        for idea_id, idea_created_at, idea_title, created_at, body in batch:
            yield CommentRow(idea_id, idea_reference(idea_created_at, idea_id), idea_title,
                             local_day(created_at), body)


@dataclass(frozen=True)
class CommentExcerpt:
    """A visible comment as the pack quotes it: exports name no one, so no author is read."""

    created_at: dt.datetime
    body: str


def latest_visible_comments(idea_ids: list[int], per_idea: int = 3) -> dict[int, list[CommentExcerpt]]:
    """The `per_idea` latest visible comments of each idea, in one query (a window function)."""
    if not idea_ids:
        return {}
    rank = (
        sa.func.row_number()
        .over(partition_by=Comment.idea_id, order_by=(Comment.created_at.desc(), Comment.id.desc()))
        .label("rank")
    )
    ranked = (
        sa.select(Comment.id, Comment.idea_id, Comment.created_at, Comment.body, rank)
        .where(Comment.idea_id.in_(idea_ids), Comment.status == CommentStatus.VISIBLE)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked.c.idea_id, ranked.c.created_at, ranked.c.body)
        .where(ranked.c.rank <= per_idea)
        .order_by(ranked.c.idea_id, ranked.c.created_at.desc(), ranked.c.id.desc())
    )
    result: dict[int, list[CommentExcerpt]] = defaultdict(list)
    for idea_id, created_at, body in rows:
        result[idea_id].append(CommentExcerpt(created_at, body))
    return result


@dataclass(frozen=True)
class AgendaEntry:
    """One point of a forum's agenda: a theme or an idea, with the organisers' note."""

    position: int
    starts_at: dt.time | None
    note: str
    group_id: int | None
    idea_id: int | None
    title: str
    idea_created_at: dt.datetime | None

    @property
    def reference(self) -> str:
        if self.idea_id is None or self.idea_created_at is None:
            return ""
        return f"{self.idea_created_at:%Y}-{self.idea_id:05d}"


def agenda_entries(forum_id: int) -> list[AgendaEntry]:
    """The forum's agenda in its order; only what may leave the platform: active themes and
    published ideas (a hidden idea keeps its place on the organisers' page, not in print)."""
    rows = db.session.execute(
        sa.select(AgendaItem.position, AgendaItem.starts_at, AgendaItem.note, AgendaItem.group_id,
                  AgendaItem.idea_id, IdeaGroup.title, Idea.title, Idea.created_at)
        .outerjoin(IdeaGroup, sa.and_(IdeaGroup.id == AgendaItem.group_id, IdeaGroup.is_active))
        .outerjoin(Idea, sa.and_(Idea.id == AgendaItem.idea_id, Idea.status == IdeaStatus.PUBLISHED))
        .where(AgendaItem.forum_id == forum_id, sa.or_(IdeaGroup.id.is_not(None), Idea.id.is_not(None)))
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [
        AgendaEntry(position, starts_at, note or "", group_id, idea_id,
                    group_title or idea_title or "", created_at)
        for position, starts_at, note, group_id, idea_id, group_title, idea_title, created_at in rows
    ]


def agenda_positions(forum_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """Where each group and idea sits on a forum's agenda: ({group_id: pos}, {idea_id: pos})."""
    groups: dict[int, int] = {}
    ideas: dict[int, int] = {}
    for item in db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.forum_id == forum_id).order_by(AgendaItem.position)
    ):
        if item.group_id is not None:
            groups[item.group_id] = item.position
        if item.idea_id is not None:
            ideas[item.idea_id] = item.position
    return groups, ideas


def quarter_outlines(locale: str) -> list[tuple[str, str]]:
    """(name, boundary GeoJSON text) of every active quarter, for maps."""
    outlines = [
        (translated_in(q, "name", locale), q.boundary_geojson)
        for q in db.session.scalars(sa.select(Quarter).where(Quarter.archived.is_(False)))
    ]
    return sorted(outlines, key=lambda item: item[0].casefold())


def selection_quarters() -> list[Quarter]:
    """The quarters the export map outlines and lets an organiser pick (the active ones)."""
    return list(db.session.scalars(
        sa.select(Quarter).where(Quarter.archived.is_(False)).order_by(Quarter.name_ru)
    ))


def forum_by_id(forum_id: int) -> Forum | None:
    return db.session.get(Forum, forum_id)


def choices_for_export_form() -> dict[str, list]:
    """What the export form offers: forums, quarters, categories, groups, recommendations."""
    return {
        "forums": list(db.session.scalars(sa.select(Forum).order_by(Forum.held_on.desc()))),
        "quarters": list(db.session.scalars(sa.select(Quarter).order_by(Quarter.name_ru))),
        "categories": list(
            db.session.scalars(sa.select(Category).order_by(Category.position, Category.id))
        ),
        "groups": list(
            db.session.scalars(
                sa.select(IdeaGroup).where(IdeaGroup.is_active).order_by(IdeaGroup.title)
            )
        ),
        "recommendations": list(
            db.session.scalars(
                sa.select(Recommendation)
                .join(Forum, Recommendation.forum_id == Forum.id)
                .options(so.contains_eager(Recommendation.forum))
                .order_by(Forum.held_on.desc(), Recommendation.position)
            )
        ),
    }


def filter_slugs(filters: ExportFilters) -> dict[str, str]:
    """The short names of the quarter and category filtered on, for the file's name."""
    slugs: dict[str, str] = {}
    for name, model, chosen in (("quarter", Quarter, filters.quarter_id),
                                ("category", Category, filters.category_id)):
        if chosen is not None:
            slugs[name] = db.session.scalar(sa.select(model.slug).where(model.id == chosen)) or ""
    return slugs
