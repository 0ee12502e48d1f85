"""A small world for exports: published ideas with groups, links, agenda and comments, next to
ideas that must never leave the platform (pending, rejected, hidden, withdrawn, duplicate),
authors with e-mail addresses, and residents' text that tries formulas and scripts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

from myalmaty.core.models import utcnow
from myalmaty.domain.ideas import CommentStatus, Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from tests.factories import (
    make_agenda_item,
    make_category,
    make_comment,
    make_forum,
    make_group,
    make_idea,
    make_link,
    make_quarter,
    make_recommendation,
    make_support,
    make_user,
)

EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HOSTILE_TITLE = "<script>alert(1)</script>${alert(1)}"
SECOND_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[76.90, 43.22], [76.92, 43.22], [76.92, 43.235], [76.90, 43.235], [76.90, 43.22]]
    ],
}


@dataclass
class ExportWorld:
    forum: Forum
    other_forum: Forum
    centre: Quarter
    west: Quarter
    culture: Category
    transport: Category
    courtyards: IdeaGroup
    believe: Recommendation
    small_steps: Recommendation
    cinema: Idea
    bikes: Idea
    mural: Idea
    hostile: Idea
    formula: Idea
    unpublished: list[Idea]

    @property
    def published(self) -> list[Idea]:
        return [self.cinema, self.bikes, self.mural, self.hostile, self.formula]


def days_ago(n: int) -> dt.datetime:
    return utcnow() - dt.timedelta(days=n)


@pytest.fixture
def world(app: Flask) -> ExportWorld:
    author = make_user(email="aigerim.author@mail.kz", display_name="Айгерим")
    gone = make_user(email="gone@mail.kz", display_name="Gone Person")
    gone.deleted_at, gone.active, gone.password_hash = utcnow(), False, None
    centre = make_quarter(slug="centre", name_ru="Центр", name_kk="Орталық", name_en="Centre")
    west = make_quarter(SECOND_SQUARE, slug="west", name_ru="Запад", name_kk="Батыс", name_en="West")
    culture = make_category(slug="culture", name_ru="Культура", name_kk="Мәдениет", name_en="Culture")
    transport = make_category(slug="transport", name_ru="Транспорт", name_kk="Көлік",
                              name_en="Transport")
    forum = make_forum(title_ru="V форум #МыАлматы", title_kk="#МыАлматы V форумы",
                       title_en="5th #MyAlmaty forum")
    other_forum = make_forum(held_on=dt.date(2019, 5, 1))
    believe = make_recommendation(forum, position=1, title_ru="Верьте в рискованные идеи",
                                  title_kk="Тәуекелді идеяларға сеніңіз",
                                  title_en="Believe in risky ideas")
    small_steps = make_recommendation(forum, position=2, title_ru="Тысяча маленьких шагов",
                                      title_kk="Мың кішкентай қадам",
                                      title_en="A thousand small steps")
    courtyards = make_group(title="Дворы центра", summary="Кино и праздники во дворах.",
                            stage=IdeaStage.SELECTED_FOR_FORUM, public_answer="Обсудим на форуме.")

    cinema = make_idea(title="Кино во дворе", author=author, category=culture, quarter=centre,
                       group=courtyards, stage=IdeaStage.SELECTED_FOR_FORUM,
                       public_answer="Хорошая идея", published_at=days_ago(40),
                       description="Пишите мне: aigerim.author@mail.kz")
    bikes = make_idea(title="Велодорожка на Абая", author=gone, category=transport, quarter=west,
                      lat=43.23, lon=76.91, published_at=days_ago(10), stage=IdeaStage.NEW)
    mural = make_idea(title="Мурал на Арбате", author=author, category=culture, quarter=centre,
                      group=courtyards, stage=IdeaStage.SELECTED_FOR_FORUM,
                      published_at=days_ago(5))
    hostile = make_idea(title=HOSTILE_TITLE, category=culture, quarter=centre,
                        description="</script><img src=x onerror=alert(2)>", published_at=days_ago(3))
    formula = make_idea(title="=1+1", description="+cmd|' /C calc'!A0", first_step="-2",
                        public_answer="@SUM(A1:A2)", category=transport, quarter=west,
                        lat=43.225, lon=76.905, published_at=days_ago(1))

    unpublished = [
        make_idea(IdeaStatus.PENDING, title="Secret pending plan", author=author, quarter=centre),
        make_idea(IdeaStatus.REJECTED, title="Rejected rant", quarter=centre),
        make_idea(IdeaStatus.HIDDEN, title="Hidden by moderators", quarter=centre, group=courtyards),
        make_idea(IdeaStatus.WITHDRAWN, title="Withdrawn by author", quarter=centre),
    ]
    duplicate = make_idea(IdeaStatus.DUPLICATE, title="Duplicate cinema", quarter=centre,
                          duplicate_of=cinema, group=courtyards)
    unpublished.append(duplicate)

    make_link(believe, group=courtyards)
    make_link(small_steps, idea=cinema)
    make_link(believe, idea=formula)
    make_agenda_item(forum, group=courtyards, position=1)
    make_agenda_item(forum, idea=bikes, position=2)
    make_agenda_item(other_forum, idea=formula, position=1)

    for _ in range(3):
        make_support(cinema)
    make_support(mural)
    make_comment(cinema, author=author, body="Приду с соседями!", created_at=days_ago(30))
    make_comment(cinema, author=gone, body="Я тоже", created_at=days_ago(20))
    make_comment(cinema, body="Скрытый комментарий", status=CommentStatus.HIDDEN,
                 hidden_reason="spam", created_at=days_ago(15))
    make_comment(cinema, body="Третий", created_at=days_ago(12))
    make_comment(cinema, body="Четвёртый, самый новый", created_at=days_ago(2))
    make_comment(cinema, body="Самый старый", created_at=days_ago(35))
    db.session.commit()
    return ExportWorld(forum, other_forum, centre, west, culture, transport, courtyards, believe,
                       small_steps, cinema, bikes, mural, hostile, formula, unpublished)


@pytest.fixture
def export_cli(runner: FlaskCliRunner, tmp_path: Path) -> Callable[..., tuple[Result, bytes]]:
    """`export_cli("csv", "--lang", "en")` → (result, bytes of the file written)."""

    def run(fmt: str, *args: str) -> tuple[Result, bytes]:
        output = tmp_path / f"export-{fmt}-{len(list(tmp_path.iterdir()))}.out"
        result = runner.invoke(args=["export", "--format", fmt, "--output", str(output), *args])
        data = output.read_bytes() if output.exists() else b""
        return result, data

    return run


def read_csv(data: bytes, delimiter: str | None = None) -> list[list[str]]:
    """The CSV's rows; without a `delimiter`, the one its header row uses (a semicolon for
    ru and kk files, a comma for en: no header contains either)."""
    import csv
    import io

    text = data.decode("utf-8-sig")
    if delimiter is None:
        delimiter = ";" if ";" in text.partition("\n")[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def csv_ids(data: bytes) -> set[int]:
    return {int(row[0]) for row in read_csv(data)[1:]}  # the first column is the idea's number


def every_member(data: bytes) -> list[tuple[str, bytes]]:
    """What a reader of the file sees, piece by piece: a ZIP (the pack, an XLSX) as the files
    inside it, unpacked; a PDF as its text; anything else as it is.

    Compressed bytes are never searched themselves: a ZIP's or a PDF's deflated streams can
    spell anything, an e-mail-shaped `A@v.0` included.
    """
    import io
    import zipfile

    from pypdf import PdfReader

    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(f"{name}/{inner}", content)
                    for name in archive.namelist()
                    for inner, content in every_member(archive.read(name))]
    if data[:5] == b"%PDF-":
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        return [("", text.encode())]
    return [("", data)]
