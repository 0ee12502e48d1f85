"""Creative quarters: boundaries checked and previewed, ideas re-assigned, archived not deleted."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.lookups import active_quarters, quarter_containing
from myalmaty.domain.reference import Quarter
from myalmaty.extensions import db
from tests import factories
from tests.factories import PANFILOV_SQUARE
from tests.organise.data import quarter_data, square

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[76.945, 43.252], [76.962, 43.265], [76.962, 43.252], [76.945, 43.265], [76.945, 43.252]]],
}
KASKELEN = square(76.60, 43.19, 76.64, 43.22)  # a town west of Almaty, outside the city
POINT = {"type": "Point", "coordinates": [76.9536, 43.2583]}
TWO_FEATURES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {}, "geometry": PANFILOV_SQUARE},
        {"type": "Feature", "properties": {}, "geometry": PANFILOV_SQUARE},
    ],
}
TOO_LARGE = "This is too large for a boundary: upload a file of up to 2 MB, or paste at most 500 KB of text."


def _upload(client: FlaskClient, url: str, data: dict) -> TestResponse:
    """POST a multipart form; the test client spools big bodies to a temporary file of its own,
    which it leaves open, so close it here."""
    response = client.post(url, data=data, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()
    return response


def _quarters() -> list[Quarter]:
    return list(db.session.scalars(sa.select(Quarter)))


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("{not json", "This is not GeoJSON: the text is not valid JSON (line 1, column 2)."),
        (json.dumps(POINT), "The boundary must be an area (a GeoJSON Polygon or MultiPolygon), not a point or a line."),
        (json.dumps(BOW_TIE), "The outline crosses itself near 43.25850, 76.95350."),
        (json.dumps(KASKELEN), "The boundary goes outside Almaty. A creative quarter must lie inside the city."),
        (json.dumps(TWO_FEATURES), "The file holds several shapes or none; keep only the quarter"),
        ("", "Upload a .geojson file or paste the boundary."),
    ],
    ids=["not-json", "point", "self-intersecting", "outside-almaty", "two-features", "empty"],
)
def test_an_unusable_boundary_is_refused_with_a_clear_message(as_organiser, boundary, message):
    response = as_organiser.post("/organise/quarters/new", data=quarter_data(boundary))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # What was typed stays in the form.
    assert 'value="Panfilov quarter"' in page
    assert "Саябақ және айналасындағы көшелер." in page
    if boundary:
        assert str(escape(boundary)) in page
    assert _quarters() == []


def test_the_message_is_in_the_organisers_language(as_organiser):
    response = as_organiser.post("/organise/quarters/new?lang=ru", data=quarter_data(KASKELEN))

    assert response.status_code == 400
    assert "Граница выходит за пределы Алматы." in response.get_data(as_text=True)


def test_a_20_mb_upload_gets_a_clear_message_not_a_crash(as_organiser):
    data = quarter_data("", boundary_file=(io.BytesIO(b" " * (20 * 1024 * 1024)), "huge.geojson"))

    response = _upload(as_organiser, "/organise/quarters/new", data)

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page
    assert "<form" in page
    assert _quarters() == []


def test_a_file_just_over_the_limit_is_refused_and_the_rest_of_the_form_is_kept(as_organiser):
    big = b'{"type": "Polygon", "coordinates": []}' + b" " * (2 * 1024 * 1024)
    data = quarter_data("", boundary_file=(io.BytesIO(big), "big.geojson"))

    response = _upload(as_organiser, "/organise/quarters/new", data)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The file is larger than 2 MB." in page
    assert 'value="Panfilov quarter"' in page


def test_a_long_pasted_text_gets_the_same_clear_message_and_the_rest_of_the_form_is_kept(as_organiser):
    response = as_organiser.post("/organise/quarters/new", data=quarter_data(" " * 500_001))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page
    assert 'value="Panfilov quarter"' in page
    assert " " * 500_001 not in page  # not sent back
    assert _quarters() == []


def test_a_long_text_pasted_into_the_edit_form_keeps_the_saved_boundary(as_organiser):
    quarter = factories.make_quarter()
    db.session.commit()
    before = quarter.boundary_geojson

    response = as_organiser.post(
        f"/organise/quarters/{quarter.id}/edit", data=quarter_data(" " * 600_000, slug=quarter.slug)
    )

    assert response.status_code == 400
    assert TOO_LARGE in response.get_data(as_text=True)
    db.session.refresh(quarter)
    assert quarter.boundary_geojson == before


def test_pasted_text_up_to_the_limit_is_read(as_organiser):
    boundary = json.dumps(PANFILOV_SQUARE)
    boundary += " " * (500_000 - len(boundary))

    response = as_organiser.post("/organise/quarters/new", data=quarter_data(boundary))

    assert response.status_code == 302
    assert len(_quarters()) == 1


def test_a_long_text_sent_as_a_browser_sends_it_gets_the_same_message(as_organiser):
    """Browsers send this form as multipart: there Flask refuses the text part itself (413)."""
    data = quarter_data(" " * 600_000, boundary_file=(io.BytesIO(b""), ""))

    response = _upload(as_organiser, "/organise/quarters/new", data)

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page
    assert "<form" in page
    assert _quarters() == []


def test_a_file_of_another_kind_is_refused(as_organiser):
    data = quarter_data("", boundary_file=(io.BytesIO(b"PK\x03\x04"), "boundary.zip"))

    response = _upload(as_organiser, "/organise/quarters/new", data)

    assert response.status_code == 400
    assert "Choose a .geojson or .json file." in response.get_data(as_text=True)


def test_a_valid_polygon_is_saved_with_its_bounding_box_and_centre(as_organiser):
    response = as_organiser.post("/organise/quarters/new", data=quarter_data())

    assert response.status_code == 302
    (quarter,) = _quarters()
    assert (quarter.slug, quarter.name_kk) == ("panfilov", "Панфилов орамы")
    assert (quarter.min_lon, quarter.min_lat, quarter.max_lon, quarter.max_lat) == pytest.approx(
        (76.945, 43.252, 76.962, 43.265))
    assert (quarter.centre_lat, quarter.centre_lon) == pytest.approx((43.2585, 76.9535))
    assert json.loads(quarter.boundary_geojson)["type"] == "Polygon"
    assert quarter_containing(43.2583, 76.9536).id == quarter.id


def test_a_geojson_file_is_accepted_as_a_feature_and_stored_as_its_geometry(as_organiser):
    feature = {"type": "Feature", "properties": {"name": "<b>ignored</b>"}, "geometry": PANFILOV_SQUARE}
    upload = (io.BytesIO(b"\xef\xbb\xbf" + json.dumps(feature).encode()), "panfilov.geojson")

    response = _upload(as_organiser, "/organise/quarters/new", quarter_data("", boundary_file=upload))

    assert response.status_code == 302
    (quarter,) = _quarters()
    assert json.loads(quarter.boundary_geojson) == PANFILOV_SQUARE
    assert "ignored" not in quarter.boundary_geojson


def test_preview_shows_the_shape_on_a_map_and_saves_nothing(as_organiser):
    response = as_organiser.post("/organise/quarters/new", data=quarter_data(preview="Check and preview"))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The boundary is valid. Check it on the map, then save." in page
    assert "L.geoJson" in page and "76.945" in page
    assert 'data-map-name="map_' in page
    assert _quarters() == []


def test_the_edit_page_shows_the_saved_boundary(as_organiser):
    quarter = factories.make_quarter()
    db.session.commit()

    page = as_organiser.get(f"/organise/quarters/{quarter.id}/edit").get_data(as_text=True)

    assert "The current boundary" in page
    assert "L.geoJson" in page and "76.962" in page


def test_names_never_reach_the_map_script(as_organiser):
    quarter = factories.make_quarter(name_en="<img src=x onerror=alert(1)>")
    db.session.commit()

    for url in (f"/organise/quarters/{quarter.id}/edit", "/organise/quarters", "/organise/"):
        page = as_organiser.get(url).get_data(as_text=True)
        assert "<img src=x" not in page, url


def test_a_short_name_is_used_once(as_organiser):
    factories.make_quarter(slug="panfilov")
    db.session.commit()

    response = as_organiser.post("/organise/quarters/new", data=quarter_data())

    assert response.status_code == 400
    assert "The short name panfilov is already used." in response.get_data(as_text=True)
    assert len(_quarters()) == 1


def test_editing_names_without_a_new_boundary_keeps_the_boundary(as_organiser):
    quarter = factories.make_quarter()
    db.session.commit()
    before = quarter.boundary_geojson

    response = as_organiser.post(
        f"/organise/quarters/{quarter.id}/edit", data=quarter_data("", name_en="Panfilov Park quarter"),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "The quarter was saved." in response.get_data(as_text=True)
    assert "joined" not in response.get_data(as_text=True)
    db.session.refresh(quarter)
    assert quarter.name_en == "Panfilov Park quarter"
    assert quarter.boundary_geojson == before
    assert db.session.scalar(sa.select(ModerationEvent)) is None


# --- Re-assignment -----------------------------------------------------------------------

NEW_BOUNDARY = square(76.955, 43.252, 76.975, 43.265)  # the square moved east
WEST = square(76.935, 43.252, 76.950, 43.265)


def test_a_new_boundary_re_assigns_ideas_and_reports_the_counts(as_organiser, organiser):
    quarter = factories.make_quarter(PANFILOV_SQUARE, name_en="Panfilov")
    west = factories.make_quarter(WEST, name_en="West")
    stays = factories.make_idea(quarter=quarter, lat=43.258, lon=76.958)
    joins = factories.make_idea(quarter=None, lat=43.258, lon=76.970)
    pending_joins = factories.make_idea(status=IdeaStatus.PENDING, quarter=None, lat=43.259, lon=76.971)
    to_west = factories.make_idea(quarter=quarter, lat=43.258, lon=76.947)
    to_none = factories.make_idea(quarter=quarter, lat=43.260, lon=76.952)
    of_west_inside = factories.make_idea(quarter=west, lat=43.258, lon=76.960)
    outside = factories.make_idea(quarter=None, lat=43.270, lon=76.970)
    db.session.commit()
    versions = {idea.id: idea.version for idea in (joins, to_west)}

    response = as_organiser.post(
        f"/organise/quarters/{quarter.id}/edit",
        data=quarter_data(NEW_BOUNDARY, slug=quarter.slug),
        follow_redirects=True,
    )

    assert "2 ideas joined, 2 ideas left." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Idea, stays.id).quarter_id == quarter.id
    assert db.session.get(Idea, joins.id).quarter_id == quarter.id
    assert db.session.get(Idea, pending_joins.id).quarter_id == quarter.id
    assert db.session.get(Idea, to_west.id).quarter_id == west.id
    assert db.session.get(Idea, to_none.id).quarter_id is None
    assert db.session.get(Idea, of_west_inside.id).quarter_id == west.id
    assert db.session.get(Idea, outside.id).quarter_id is None
    # A moderator's open form on a moved idea sees that it changed.
    assert db.session.get(Idea, joins.id).version == versions[joins.id] + 1
    assert db.session.get(Idea, to_west.id).version == versions[to_west.id] + 1

    event = db.session.scalar(sa.select(ModerationEvent).where(ModerationEvent.action == "quarter.boundary"))
    assert event.actor_id == organiser.id
    assert event.after["joined"] == 2 and event.after["left"] == 2
    assert event.before["bbox"] == pytest.approx([76.945, 43.252, 76.962, 43.265])
    assert event.after["bbox"] == pytest.approx([76.955, 43.252, 76.975, 43.265])


def test_a_new_quarter_takes_in_the_ideas_without_one(as_organiser):
    inside = factories.make_idea(quarter=None)
    db.session.commit()

    response = as_organiser.post("/organise/quarters/new", data=quarter_data(), follow_redirects=True)

    assert "1 idea joined, 0 ideas left." in response.get_data(as_text=True)
    db.session.refresh(inside)
    assert inside.quarter.slug == "panfilov"


def test_an_archived_quarter_is_no_longer_offered_but_its_ideas_keep_it(as_organiser):
    quarter = factories.make_quarter()
    idea = factories.make_idea(quarter=quarter)
    db.session.commit()

    response = as_organiser.post(f"/organise/quarters/{quarter.id}/archive")

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Quarter, quarter.id).archived
    assert db.session.get(Idea, idea.id).quarter_id == quarter.id
    assert active_quarters() == []
    assert quarter_containing(43.2583, 76.9536) is None


def test_changing_an_archived_quarters_boundary_moves_no_idea(as_organiser):
    quarter = factories.make_quarter(archived=True)
    idea = factories.make_idea(quarter=quarter, lat=43.258, lon=76.947)
    loose = factories.make_idea(quarter=None, lat=43.258, lon=76.970)
    db.session.commit()

    response = as_organiser.post(
        f"/organise/quarters/{quarter.id}/edit", data=quarter_data(NEW_BOUNDARY, slug=quarter.slug),
        follow_redirects=True,
    )

    assert "0 ideas joined, 0 ideas left." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).quarter_id == quarter.id
    assert db.session.get(Idea, loose.id).quarter_id is None


def test_a_restored_quarter_takes_in_the_ideas_without_one(as_organiser):
    quarter = factories.make_quarter(archived=True)
    loose = factories.make_idea(quarter=None)
    db.session.commit()

    response = as_organiser.post(f"/organise/quarters/{quarter.id}/restore", follow_redirects=True)

    assert "The quarter was restored. 1 idea joined, 0 ideas left." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Quarter, quarter.id).archived
    assert db.session.get(Idea, loose.id).quarter_id == quarter.id


def test_the_list_shows_each_quarters_ideas(as_organiser):
    quarter = factories.make_quarter(name_en="Panfilov")
    for _ in range(3):
        factories.make_idea(quarter=quarter)
    factories.make_quarter(name_en="Old town", archived=True)
    db.session.commit()

    page = as_organiser.get("/organise/quarters").get_data(as_text=True)

    assert "Panfilov" in page and "Old town" in page
    assert '<td class="number">3</td>' in page
    assert "Restore" in page and "Archive" in page
