"""Every page, for every role and in every language, is valid HTML (the Nu HTML Checker, 0
errors) and has no serious or critical accessibility problem (axe-core), at 1280 and 360 px;
on every page every target is at least 24 × 24 px (WCAG 2.5.8, tap_targets.py) at both widths,
and every map has a metric scale bar in the page's units.

The pages come from the URL map: each GET rule is a page checked with real ids from seeded
data, or is listed in NOT_PAGES with the reason (downloads, JSON, images), so a new page is
checked without a test of its own. Both checkers are installed from the npm registry by
`npm ci` in this folder (package-lock.json); nothing is fetched at run time.

What runs where (a CI budget of a few minutes): the HTML a page is sent as does not depend
on the width, so the Nu checker reads every page once per role and language, in one run of
vnu.jar. In Chromium, each language is one pass: a page is opened once, at 360 px, where
axe-core runs and the targets are measured (the menu and the map's sheet opened too), then the
window is widened to 1280 px, where both run again. Within a pass each address is checked once,
by the first role that reaches it, organiser first: the pages differ between roles only in the
menu, and every page a lower role sees is reached by that role. Where a request ends (the page,
the sign-in page a visitor is sent to, or an error page, checked once per status) is read from
the app's answers that go to the Nu checker, so the browser opens only pages still to check.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask

from myalmaty.auth.tokens import make_registration_token, make_reset_token, make_unsubscribe_token
from myalmaty.core.i18n import LANGUAGES
from myalmaty.core.models import utcnow
from myalmaty.domain.accounts import PendingRegistration, User
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from tests.conftest import IN_CI
from tests.e2e.conftest import CHROMIUM, serving
from tests.e2e.tap_targets import OVERLAYS, small_targets
from tests.property.strategies import ROLES, RULE_PART
from tests.property.world import World, separate_database

HERE = Path(__file__).parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# GET rules that are not pages, each with the reason. A rule missing here is checked as a page.
NOT_PAGES: dict[str, str] = {
    "api.ideas": "JSON for the map's scripts and other programs",
    "api.idea": "JSON for the map's scripts and other programs",
    "api.clusters": "JSON for the map's scripts",
    "api.similar": "JSON for the idea form's script",
    "api.place": "JSON for the picker map's script",
    "api.places": "JSON for the place search's script",
    "organise.offline_template": "a download (the XLSX template), not a page",
    "exports.job_status": "JSON for the exports page's script",
    "exports.job_file": "a download (the finished export), not a page",
    "main.healthz": "a status answer for the load balancer, not a page",
    "main.readyz": "a status answer for the load balancer, not a page",
    "exports.download": "a download (CSV, XLSX, GeoJSON, PDF, ZIP), not a page",
    "ideas.photo": "a photo (JPEG), not a page",
    "tiles.tile": "a map tile (an image), not a page",
    "static": "stylesheets, scripts and images",
    "vendor.vendor_file": "the map library's scripts, stylesheets and images",
}

WIDE, NARROW = 1280, 360
SERIOUS = ("serious", "critical")
# The scale bar's units in each language: metres and kilometres, never feet or miles.
SCALE_UNITS = {"ru": ("м", "км"), "kk": ("м", "км"), "en": ("m", "km")}


def page_rules(app: Flask) -> dict[str, str]:
    """endpoint -> rule of every GET rule that is a page (not in NOT_PAGES)."""
    return {
        rule.endpoint: rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in NOT_PAGES
    }


def _seed_values(world: World) -> dict[str, dict[str, str]]:
    """The value of each rule argument, per endpoint where one id would show less than another
    (the detail page of an idea with comments, the report form of someone else's idea)."""
    with world.app.app_context():
        resident = db.session.scalar(db.select(User).where(User.display_name == "Walk resident"))
        assert resident is not None

        def idea(status: IdeaStatus, own: bool) -> str:
            found = db.session.scalars(db.select(Idea).where(Idea.status == status)).all()
            return str(next(i.id for i in found if (i.author_id == resident.id) == own))

        registration = PendingRegistration(
            email="pending@example.kz", display_name="Pending", password_hash=resident.password_hash,
            locale="ru", consented_at=utcnow(), created_at=utcnow(),
        )
        db.session.add(registration)
        db.session.commit()
        tokens = {
            "auth.finish_registration": make_registration_token(registration.id),
            "auth.reset_password": make_reset_token(resident.id, resident.password_hash),
            "themes.unsubscribe": make_unsubscribe_token(resident.id),
        }
        published_own = idea(IdeaStatus.PUBLISHED, own=True)
        published_other = idea(IdeaStatus.PUBLISHED, own=False)
        pending_own = idea(IdeaStatus.PENDING, own=True)
    values: dict[str, dict[str, str]] = {
        endpoint: {"token": token} for endpoint, token in tokens.items()
    }
    values["ideas.detail"] = {"idea_id": published_own}
    values["ideas.report"] = {"idea_id": published_other}
    values["_default"] = {
        "idea_id": pending_own,
        **{name: str(ids[0]) for name, ids in world.ids.items() if name != "idea_id"},
    }
    return values


def page_paths(world: World) -> dict[str, str]:
    """endpoint -> the path of its page, with real ids."""
    values = _seed_values(world)
    paths = {}
    for endpoint, rule in page_rules(world.app).items():
        chosen = {**values["_default"], **values.get(endpoint, {})}
        paths[endpoint] = RULE_PART.sub(lambda m, chosen=chosen: chosen[_arg_name(m.group(0))], rule)
    return paths


def _arg_name(part: str) -> str:
    """`<int:idea_id>` -> `idea_id`."""
    return part.strip("<>").split(":")[-1]


@dataclass
class Findings:
    axe: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    scales: list[str] = field(default_factory=list)
    maps: int = 0
    outside: set[str] = field(default_factory=set)
    checked: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    axe_runs: int = 0

    def add_time(self, name: str, started: float) -> float:
        """Counts the time since `started` to `name`; returns now."""
        now = time.monotonic()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - started
        return now


def _checker_files() -> None:
    missing = [str(p) for p in (AXE_JS, VNU_JAR) if not p.exists()]
    java = shutil.which("java")
    if missing or not java:
        why = f"missing {missing or 'java'}: run `npm ci` in tests/e2e (and install java)"
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    folder = Path(tempfile.mkdtemp(prefix="myalmaty-clean-html-"))
    with separate_database(folder) as url:
        world = World(url, folder)
        try:
            yield world
        finally:
            world.close()
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def base_url(world: World) -> Iterator[str]:
    with serving(world.app) as url:
        yield url


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
                  count: v.nodes.length}));
}"""


def run_vnu(files: list[Path]) -> dict[str, list[str]]:
    """file path -> the Nu checker's error messages for it; one run of Java for all files."""
    if not files:
        return {}
    done = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    report = json.loads(done.stdout)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        path = message.get("url", "").removeprefix("file:")
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())[:120]
        errors.setdefault(path, []).append(f"line {line}: {message['message']} [{extract}]")
    return errors


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    return page.evaluate(AXE_RUN)


def _describe(violation: dict) -> str:
    return (f"{violation['impact']} {violation['id']} ({violation['help']}) x{violation['count']}: "
            + "; ".join(violation["where"]))


# Roles in the order their pages are checked in the browser: a page the organiser sees is the
# page a resident sees plus the organiser's links, so each address is checked once per language,
# by the first role that reaches it (a resident's, an anonymous visitor's own page or the page
# they are sent to instead, such as sign-in, is checked as them).
BROWSER_ROLE_ORDER = ("organiser", "moderator", "resident", "anonymous")


@pytest.fixture(scope="module")
def findings(world: World, base_url: str, tmp_path_factory) -> Findings:
    """Every page as every role in every language to the Nu checker, and through axe-core in
    Chromium; what they found."""
    _checker_files()
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    paths = page_paths(world)
    found = Findings()
    # Every page as every role and language, through the app itself: the Nu checker's files,
    # and where each request ends (a page, or the sign-in page or an error page instead).
    started = time.monotonic()
    saved = tmp_path_factory.mktemp("pages")
    labels: dict[str, str] = {}
    shown: dict[tuple[str, str, str], str] = {}
    for role in ROLES:
        for lang in LANGUAGES:
            for endpoint, path in sorted(paths.items()):
                headers = [("Cookie", f"session={world.sessions[role]}")] if role != "anonymous" else []
                response = world.client.get(path, query_string={"lang": lang}, headers=headers,
                                            follow_redirects=True)
                file = saved / f"{role}-{lang}-{endpoint}.html"
                file.write_bytes(response.get_data())
                labels[str(file)] = f"{role} {lang} {endpoint} {path} ({response.status_code})"
                found.pages += 1
                shown[role, lang, endpoint] = _page_key(response.request.path, response.status_code)
    found.add_time("requests", started)

    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang in LANGUAGES:
                seen: set[str] = set()
                for role in BROWSER_ROLE_ORDER:
                    visits = {}
                    for endpoint, path in sorted(paths.items()):
                        key = shown[role, lang, endpoint]
                        if key not in seen:
                            seen.add(key)
                            visits[endpoint] = path
                        found.checked.add(endpoint)
                    _walk(browser, base_url, world, role, lang, visits, found)
        finally:
            browser.close()
    found.add_time("Chromium in all", started)

    started = time.monotonic()
    for path, messages in sorted(run_vnu(sorted(saved.glob("*.html"))).items()):
        found.html.append(f"{labels.get(path, path)}:\n    " + "\n    ".join(messages))
    found.add_time("Nu HTML checker", started)
    return found


def _page_key(arrived: str, status: int) -> str:
    """What a request showed: the page at the address it ended at, or an error page, one for
    each status whatever the address (the same template)."""
    return arrived if status < 400 else f"error {status}"


def _walk(browser, base_url: str, world: World, role: str, lang: str,
          visits: dict[str, str], found: Findings) -> None:
    """Each page of `visits` (endpoint -> path) as `role` in `lang`: axe-core and the targets at
    360 px, then at 1280 px on the same page; the scale bars of its maps."""
    context = browser.new_context(
        locale="ru-RU", viewport={"width": NARROW, "height": 800}, bypass_csp=True,
    )
    if role != "anonymous":
        context.add_cookies([{"name": "session", "value": world.sessions[role], "url": base_url}])

    def guard(route) -> None:
        url = route.request.url
        if url.startswith((base_url, "data:", "blob:")):
            route.continue_()
        else:
            found.outside.add(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    # The menu is the same on every page of a role and language: opened on the first page only.
    overlays = OVERLAYS
    try:
        for endpoint, path in visits.items():
            started = time.monotonic()
            page.set_viewport_size({"width": NARROW, "height": 800})
            page.goto(f"{base_url}{path}?lang={lang}")
            arrived = page.url.removeprefix(base_url).split("?")[0]
            label = f"{role} {lang} {endpoint} {path}" + (f" -> {arrived}" if arrived != path else "")
            if page.locator(".map-frame").count():
                page.wait_for_load_state("networkidle")
                found.scales += _scale_problems(page, lang, label)
                found.maps += 1
            started = found.add_time("loading pages", started)
            for width in (NARROW, WIDE):
                if width == WIDE:
                    page.set_viewport_size({"width": WIDE, "height": 800})
                found.axe_runs += 1
                for violation in axe_violations(page):
                    found.axe.append(f"{label} {width}px: {_describe(violation)}")
                started = found.add_time("axe-core", started)
                found.targets += [f"{label} {width}px: {target}"
                                  for target in small_targets(page, overlays)]
                started = found.add_time("targets", started)
                if width == NARROW and page.locator(".menu-button").is_visible():
                    overlays = tuple(o for o in OVERLAYS if o[0] != ".menu-button")
    finally:
        context.close()


def _scale_problems(page, lang: str, label: str) -> list[str]:
    """Each map's scale bar: one line (metric alone), its units in the page's language."""
    maps = page.locator(".leaflet-container").count()
    lines = page.locator(".leaflet-container .leaflet-control-scale-line").all_inner_texts()
    units = "|".join(SCALE_UNITS[lang])
    good = re.compile(rf"^\d[\d\s\u00a0]* ({units})$")
    if len(lines) != maps or not all(good.match(line) for line in lines):
        return [f"{label}: {maps} maps, scale bars {lines}"]
    return []


def test_every_get_rule_is_a_checked_page_or_excluded_with_a_reason(world: World) -> None:
    rules = {rule.endpoint for rule in world.app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    assert set(NOT_PAGES) <= rules, "an exclusion names a rule that is gone"
    assert all(reason.strip() for reason in NOT_PAGES.values())
    assert set(page_rules(world.app)) == rules - set(NOT_PAGES)
    assert len(page_rules(world.app)) > 30  # the whole app, not a part of it


def test_every_page_was_reached_in_the_browser(findings: Findings, world: World) -> None:
    assert findings.checked == set(page_rules(world.app))
    print(f"\n{findings.pages} pages to the Nu checker, {findings.axe_runs} axe-core runs; "
          + ", ".join(f"{name} {s:.0f} s" for name, s in findings.seconds.items()))


def test_every_page_is_valid_html(findings: Findings) -> None:
    assert not findings.html, (
        f"The Nu HTML checker finds errors on {len(findings.html)} pages:\n"
        + "\n".join(findings.html)
    )


def test_no_page_has_a_serious_accessibility_problem(findings: Findings) -> None:
    assert not findings.axe, (
        f"axe-core finds {len(findings.axe)} serious or critical problems:\n" + "\n".join(findings.axe)
    )


def test_every_target_on_every_page_is_at_least_24_px(findings: Findings) -> None:
    assert not findings.targets, (
        f"{len(findings.targets)} targets under 24 × 24 px:\n" + "\n".join(findings.targets)
    )


def test_every_map_has_a_metric_scale_bar_in_the_pages_units(findings: Findings) -> None:
    assert findings.maps > 3 * len(LANGUAGES)  # the map pages were reached
    assert not findings.scales, "\n".join(findings.scales)


def test_no_page_asks_another_host_for_anything(findings: Findings) -> None:
    assert not findings.outside, sorted(findings.outside)


def test_the_checkers_find_what_they_look_for(browser, tmp_path) -> None:
    """The checks above can fail: a duplicate id, an unlabelled field, targets too small and
    close together, and a scale bar in feet are found."""
    _checker_files()
    bad = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
           '<p id="a">x</p><p id="a">y</p><input type="text"></main></body></html>')
    file = tmp_path / "bad.html"
    file.write_text(bad, encoding="utf-8")
    assert any("Duplicate ID" in m for m in run_vnu([file])[str(file)])
    page = browser.new_page(bypass_csp=True)
    try:
        page.set_content(bad)
        assert "label" in {v["id"] for v in axe_violations(page)}
        # Two 16 px buttons side by side, and a map with feet and miles on its scale.
        page.set_content(
            '<button style="width:16px;height:16px;padding:0">a</button>'
            '<button style="width:16px;height:16px;padding:0">b</button>'
            '<div class="leaflet-container"><div class="leaflet-control-scale-line">500 m</div>'
            '<div class="leaflet-control-scale-line">2000 ft</div></div>')
        assert len(small_targets(page)) == 2
        assert _scale_problems(page, "en", "bad") != []
        assert _scale_problems(page, "ru", "bad") != []
    finally:
        page.close()
