"""GET /api/ideas and /api/ideas/<id>: published ideas as GeoJSON (RFC 7946)."""

from __future__ import annotations

import pytest

from myalmaty.domain.ideas import IdeaStage, IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_category, make_idea, make_quarter, make_support

PROPERTIES = {"id", "reference", "title", "category", "quarter", "stage", "stage_label",
              "support_count", "comment_count", "url"}


@pytest.fixture
def city(app):
    culture = make_category(slug="culture", name_ru="Культура", name_kk="Мәдениет",
                            name_en="Culture")
    panfilov = make_quarter(slug="panfilov", name_ru="Панфилова", name_kk="Панфилов",
                            name_en="Panfilov")
    ideas = {
        "cinema": make_idea(title="Courtyard cinema", category=culture, quarter=panfilov,
                            lat=43.2583, lon=76.9536),
        "murals": make_idea(title="Murals", lat=43.2350, lon=76.9900,
                            stage=IdeaStage.IN_PROGRESS),
        "pending": make_idea(title="Pending", status=IdeaStatus.PENDING, category=culture),
        "hidden": make_idea(title="Hidden", status=IdeaStatus.HIDDEN),
        "rejected": make_idea(title="Rejected", status=IdeaStatus.REJECTED),
    }
    for _ in range(4):  # real supports: a support through the site recounts them
        make_support(ideas["cinema"])
    db.session.commit()
    return ideas


def titles(response) -> list[str]:
    return [f["properties"]["title"] for f in response.get_json()["features"]]


def test_published_ideas_as_a_feature_collection_in_lon_lat_order(client, city):
    response = client.get("/api/ideas?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    data = response.get_json()
    assert data["type"] == "FeatureCollection"
    assert titles(response) == ["Courtyard cinema", "Murals"]
    cinema = data["features"][0]
    assert cinema["type"] == "Feature"
    assert cinema["geometry"] == {"type": "Point", "coordinates": [76.9536, 43.2583]}
    assert set(cinema["properties"]) == PROPERTIES
    idea = city["cinema"]
    assert cinema["properties"] == {
        "id": idea.id, "reference": idea.reference, "title": "Courtyard cinema",
        "category": "Culture", "quarter": "Panfilov", "stage": "new", "stage_label": "New",
        "support_count": 4, "comment_count": 0, "url": f"/ideas/{idea.id}",
    }
    assert data["features"][1]["properties"]["quarter"] is None


def test_no_email_ever_appears(client, city):
    body = client.get("/api/ideas").get_data(as_text=True)
    assert "@" not in body
    for idea in city.values():
        assert idea.author.email not in body


def test_names_come_in_the_asked_language(client, city):
    properties = client.get("/api/ideas?lang=kk").get_json()["features"][0]["properties"]
    assert (properties["category"], properties["quarter"]) == ("Мәдениет", "Панфилов")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bbox=76.95,43.25,76.96,43.26", ["Courtyard cinema"]),
        ("bbox=76.0,43.0,77.5,43.5", ["Courtyard cinema", "Murals"]),
        ("bbox=10,10,11,11", []),
        ("category=culture", ["Courtyard cinema"]),
        ("quarter=panfilov", ["Courtyard cinema"]),
        ("quarter=none", ["Murals"]),
        ("stage=in_progress", ["Murals"]),
        ("q=MURAL", ["Murals"]),
        ("q=mural%00", ["Murals"]),
        ("q=cinema&category=culture&bbox=76.95,43.25,76.96,43.26", ["Courtyard cinema"]),
    ],
)
def test_filters(client, city, query, expected):
    assert titles(client.get("/api/ideas?" + query)) == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=76.9,43.3,77.0,43.2", "bbox"),  # minimum latitude above the maximum
        ("bbox=181,43,182,44", "bbox"),
        ("bbox=nan,43,77,44", "bbox"),
        ("bbox=76,-inf,77,44", "bbox"),
        ("category=unknown", "category"),
        ("quarter=nowhere", "quarter"),
        ("stage=finished", "stage"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_invalid_parameters_get_a_json_400_naming_the_parameter(client, city, query, parameter):
    response = client.get("/api/ideas?lang=en&" + query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert error["code"] == 400
    assert error["message"]


def test_error_messages_are_translated(client, city):
    message = client.get("/api/ideas?bbox=1&lang=ru").get_json()["error"]["message"]
    assert message.startswith("Рамка")
    message = client.get("/api/ideas?bbox=1&lang=kk").get_json()["error"]["message"]
    assert message.startswith("Шекаралық")


def test_one_published_idea_as_a_feature(client, city):
    idea = city["cinema"]
    response = client.get(f"/api/ideas/{idea.id}")
    assert response.status_code == 200
    feature = response.get_json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["coordinates"] == [idea.lon, idea.lat]
    assert feature["properties"]["title"] == "Courtyard cinema"


@pytest.mark.parametrize("name", ["pending", "hidden", "rejected"])
def test_ideas_not_published_are_404_in_json(client, city, name):
    response = client.get(f"/api/ideas/{city[name].id}?lang=en")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "There is no published idea with this number."


def test_unknown_idea_is_404_in_json(client):
    response = client.get("/api/ideas/999999")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_etag_and_conditional_get(client, city):
    first = client.get("/api/ideas")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/api/ideas", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    make_support(city["cinema"])
    db.session.commit()
    changed = client.get("/api/ideas", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    one = client.get(f"/api/ideas/{city['cinema'].id}")
    assert client.get(f"/api/ideas/{city['cinema'].id}",
                      headers={"If-None-Match": one.headers["ETag"]}).status_code == 304


def test_a_support_through_the_site_changes_the_etag(client, auth, city):
    from tests.factories import make_user

    etag = client.get("/api/ideas").headers["ETag"]
    auth.as_user(make_user())
    db.session.commit()
    client.post(f"/ideas/{city['cinema'].id}/support", data={"action": "support"})
    response = client.get("/api/ideas", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["features"][0]["properties"]["support_count"] == 5


def test_a_renamed_category_changes_the_etag(client, city):
    etag = client.get("/api/ideas?lang=en").headers["ETag"]
    city["cinema"].category.name_en = "Arts"
    db.session.commit()
    response = client.get("/api/ideas?lang=en", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["features"][0]["properties"]["category"] == "Arts"


def test_each_language_and_filter_has_its_own_etag(client, city):
    tags = {client.get(path).headers["ETag"]
            for path in ("/api/ideas?lang=en", "/api/ideas?lang=ru", "/api/ideas?lang=en&q=mural")}
    assert len(tags) == 3


def test_the_collection_takes_one_query_whatever_the_number_of_ideas(client, count_queries):
    category = make_category(slug="c")
    for _ in range(5):
        make_idea(category=category)
    db.session.commit()
    with count_queries() as few:
        client.get("/api/ideas?category=c")
    for _ in range(45):
        make_idea(category=category)
    db.session.commit()
    with count_queries() as many:
        assert len(client.get("/api/ideas?category=c").get_json()["features"]) == 50
    assert many.count == few.count <= 3


def test_a_bbox_answers_slim_features(client, city):
    data = client.get("/api/ideas?bbox=76.0,43.0,77.5,43.5&lang=en").get_json()
    cinema = data["features"][0]
    assert cinema["geometry"] == {"type": "Point", "coordinates": [76.9536, 43.2583]}
    assert cinema["properties"] == {"id": city["cinema"].id, "title": "Courtyard cinema",
                                    "category": "Culture", "stage": "new"}


# Residents' text as the database must escape it, and coordinates whose shortest text needs
# more than 15 digits (0.1 + 0.2 is 0.30000000000000004).
HOSTILE_TITLES = ['Кино "во дворе" \\ \n\t😀', "</script><script>alert(1)</script>",
                  "\x01\x1f\x7f\u2028\u2029 Қазақша ᾨ 𝄞", "'; DROP TABLE ideas; --", "\\u0041"]
AWKWARD_POINTS = [(43.2583, 76.9536), (43.1 + 0.2, 76.1 + 0.2), (43.23830000000001, 77.0),
                  (43.25, 76.95000000000002)]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_slim_features_read_back_as_the_ideas_they_show(client, lang):
    """Written by the database, each feature parses to what `json.dumps` of the idea would:
    its text escaped, its coordinates the same floats."""
    import json

    quoted = make_category(slug="parks", name_ru="Парки «и» \\ сады", name_kk="",
                           name_en='Parks & "gardens" \\ </script>')
    plain = make_category(slug="culture", name_ru="Культура", name_kk="Мәдениет",
                          name_en="Culture")
    names = {quoted.id: {"en": quoted.name_en, "ru": quoted.name_ru, "kk": quoted.name_ru},
             plain.id: {"en": "Culture", "ru": "Культура", "kk": "Мәдениет"}}
    ideas = [make_idea(title=title, lat=lat, lon=lon, category=category, stage=stage)
             for title, (lat, lon), category, stage in zip(
                 HOSTILE_TITLES, AWKWARD_POINTS * 2, [quoted, plain] * 3, list(IdeaStage),
                 strict=False)]
    db.session.commit()
    expected = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": idea.id,
         "geometry": {"type": "Point", "coordinates": [idea.lon, idea.lat]},
         "properties": {"id": idea.id, "title": idea.title,
                        "category": names[idea.category_id][lang], "stage": idea.stage.value}}
        for idea in sorted(ideas, key=lambda i: i.id)]}
    response = client.get(f"/api/ideas?bbox=76.0,43.0,77.5,43.5&lang={lang}")
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True)) == expected


def test_an_empty_box_is_an_empty_collection(client):
    make_idea(lat=43.2583, lon=76.9536)
    db.session.commit()
    response = client.get("/api/ideas?bbox=10,10,11,11")
    assert response.get_data(as_text=True) == '{"type":"FeatureCollection","features":[]}'


def test_a_revalidation_reads_the_change_marker_alone_outside_a_transaction(client, city):
    import sqlalchemy as sa

    path = "/api/ideas/clusters?bbox=76.8,43.15,77.1,43.35&zoom=12"
    etag = client.get(path).headers["ETag"]
    seen: list[tuple[str, object]] = []

    def record(conn, _cursor, statement, *_args) -> None:
        seen.append((statement, conn.get_execution_options().get("isolation_level")))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    statements = [(s, level) for s, level in seen if not s.lstrip().upper().startswith("PRAGMA")]
    assert len(statements) == 1
    statement, level = statements[0]
    assert "content_version" in statement
    assert level == "AUTOCOMMIT"  # no BEGIN and ROLLBACK around it
