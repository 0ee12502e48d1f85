"""Categories: created, edited, archived and restored, never deleted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from myalmaty.domain.ideas import Idea
from myalmaty.domain.lookups import active_categories
from myalmaty.domain.reference import Category
from myalmaty.extensions import db
from tests import factories
from tests.organise.data import CATEGORY


def test_organiser_creates_a_category(as_organiser):
    response = as_organiser.post("/organise/categories/new", data=CATEGORY)

    assert response.status_code == 302
    category = db.session.scalar(sa.select(Category))
    assert (category.slug, category.name_kk, category.position) == ("street-art", "Көше өнері", 3)
    assert "Street art" in as_organiser.get("/organise/categories").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_kk", "", "Enter the name in Kazakh."),
        ("slug", "Street Art!", "Use small Latin letters, digits and hyphens"),
        ("position", "first", "Enter a number from 0 to 10000."),
        ("position", "-1", "Enter a number from 0 to 10000."),
    ],
)
def test_invalid_categories_are_refused_with_what_was_typed_kept(as_organiser, field, value, message):
    response = as_organiser.post("/organise/categories/new", data={**CATEGORY, field: value})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Уличное искусство"' in page
    assert db.session.scalar(sa.select(Category)) is None


def test_a_short_name_is_used_once(as_organiser):
    factories.make_category(slug="street-art")
    db.session.commit()

    response = as_organiser.post("/organise/categories/new", data=CATEGORY)

    assert response.status_code == 400
    assert "The short name street-art is already used." in response.get_data(as_text=True)


def test_organiser_edits_a_category_keeping_its_own_short_name(as_organiser):
    category = factories.make_category(slug="street-art")
    db.session.commit()

    response = as_organiser.post(f"/organise/categories/{category.id}/edit", data={**CATEGORY, "name_en": "Murals"})

    assert response.status_code == 302
    db.session.refresh(category)
    assert category.name_en == "Murals"


def test_archived_categories_are_not_offered_and_their_ideas_keep_them(as_organiser):
    category = factories.make_category()
    idea = factories.make_idea(category=category)
    db.session.commit()

    as_organiser.post(f"/organise/categories/{category.id}/archive")

    # A new transaction, as the next request's: one sees reference data as of its first lookup.
    db.session.rollback()
    assert db.session.get(Category, category.id).archived
    assert active_categories() == []
    assert db.session.get(Idea, idea.id).category_id == category.id

    as_organiser.post(f"/organise/categories/{category.id}/restore")

    db.session.rollback()
    assert [c.id for c in active_categories()] == [category.id]


def test_the_list_puts_active_categories_first_in_their_order(as_organiser):
    factories.make_category(name_en="Archived one", archived=True, position=0)
    factories.make_category(name_en="Second", position=2)
    factories.make_category(name_en="First", position=1)
    db.session.commit()

    page = as_organiser.get("/organise/categories").get_data(as_text=True)

    assert page.index("First") < page.index("Second") < page.index("Archived one")
