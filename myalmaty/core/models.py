"""Model base, column types and mixins shared by every feature's models."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite keeps no offset, so values come back naive; they are UTC by construction and are
    returned aware so that comparisons and locale formatting never mix naive and aware times.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(so.DeclarativeBase):
    registry = so.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime()},
    )


def enum_column(enum_cls: type[enum.Enum], name: str, **kwargs: Any) -> sa.Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, storing the members' values.

    Native PostgreSQL enums would need their own migration steps for every new member.
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
        **kwargs,
    )


class LabelledEnum(enum.Enum):
    """An enum whose members have a translated label for people (`IdeaStatus.PENDING.label`)."""

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class TimestampMixin:
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class Translated:
    """Reads `<field>_<locale>` for the current locale, falling back to Russian.

    Reference data (quarters, categories, forums, recommendations) is stored once per language;
    `quarter.name` then gives the name in the language the page is shown in.
    """

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        from myalmaty.core.i18n import current_locale

        return self.in_locale(obj, current_locale())

    def in_locale(self, obj: Any, locale: str) -> str:
        value = getattr(obj, f"{self.field}_{locale}", None)
        return value or getattr(obj, f"{self.field}_ru") or ""


def translated_in(obj: Any, field: str, locale: str) -> str:
    """`translated_in(quarter, "name", "kk")`: a translated field in a given language."""
    return getattr(type(obj), field).in_locale(obj, locale)
