"""The timeline: frame days, stable layout across frames, a self-contained page, and a real browser."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from orgsim.chart import chart_at
from orgsim.cli.render import picture_bytes
from orgsim.render.timeline_dot import cast_of, frame_graph
from orgsim.timeline import frame_days, frames

SVG = "{http://www.w3.org/2000/svg}"


def test_frames_at_changes_cover_each_change_day(dataset_app):
    tl = dataset_app.timeline()
    days = frame_days(tl, date(2023, 11, 1), date(2024, 12, 31))
    assert days[0] == date(2023, 11, 1) and days[-1] == date(2024, 12, 31)
    assert {date(2023, 11, 17), date(2023, 11, 29), date(2024, 2, 1), date(2024, 9, 25)} <= set(days)
    by_day = {f.day: f for f in frames(tl, days)}
    assert {e.person for e in by_day[date(2024, 9, 25)].events} >= {
        "mira-murati",
        "bob-mcgrew",
        "barret-zoph",
        "mark-chen",
    }
    assert [e.kind for e in by_day[date(2023, 11, 17)].events] == ["departed"]
    assert by_day[date(2024, 12, 31)].events == ()  # nothing took effect after September


def test_frames_from_the_first_day_of_year_1(dataset_app):
    """(The first frame used to ask for the day before its own: past `date.min` on 0001-01-01.)"""
    tl = dataset_app.timeline()
    days = frame_days(tl, date(1, 1, 1), date(2024, 12, 31))
    found = frames(tl, days)
    assert found[0].day == date(1, 1, 1) and found[0].events == ()
    assert sum(len(f.events) for f in found) == len(tl.effective())  # every event in exactly one frame
    assert frames(tl, [date(2023, 11, 17)])[0].events and [
        e.kind for e in frames(tl, [date(2023, 11, 17)])[0].events
    ] == ["departed"]


def test_frames_every_month(dataset_app):
    days = frame_days(dataset_app.timeline(), date(2024, 1, 1), date(2024, 12, 31), "month")
    assert days == [date(2024, m, 1) for m in range(1, 13)]


def _positions(svg: bytes) -> dict[str, str]:
    """Each person's box position in an SVG: the polygon/path of its node group."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "node" and (g.get("id") or "").startswith("person-"):
            shape = next(e for e in g.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon"))  # inside the tooltip's <a>
            texts = [t.text for t in g.iter(f"{SVG}text")]
            out[g.get("id")[7:]] = (shape.get("d") or shape.get("points"), tuple(texts))
    return out


@pytest.mark.needs_dot
def test_people_keep_their_positions_between_frames(dataset_app):
    tl = dataset_app.timeline()
    days = [date(2024, 9, 1), date(2024, 10, 15)]
    charts = [chart_at(tl, d) for d in days]
    cast = cast_of(charts, tl)
    a, b = (_positions(picture_bytes(frame_graph(c, tl, cast), "svg")) for c in charts)
    assert set(a) == {r.id for r in charts[0].rows} and set(b) == {r.id for r in charts[1].rows}
    both = set(a) & set(b)
    assert len(both) >= 10
    for pid in both:  # everyone drawn in both frames stays exactly in place
        assert a[pid][0] == b[pid][0], pid
    assert "mira-murati" in a and "mira-murati" not in b  # absent: laid out, never drawn


def _page(cli, db, tmp_path) -> Path:
    out = tmp_path / "timeline.html"
    result = cli("timeline", "--from", "2023-11-01", "--to", "2024-12-31", "--at-changes", "-o", out, "--store", db)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.needs_dot
def test_the_page_is_self_contained(cli, db, tmp_path):
    html = _page(cli, db, tmp_path).read_text(encoding="utf-8")
    assert not re.search(r'(?:src|href)\s*=\s*"(?:https?:)?//', html)  # nothing to fetch
    assert "@import" not in html and "url(" not in html
    data = json.loads(
        re.search(r'<script type="application/json" id="frames-data">(.*?)</script>', html, re.S).group(1)
    )
    assert [f["day"] for f in data][:3] == ["2023-11-01", "2023-11-17", "2023-11-29"]
    sept = [f for f in data if f["day"] == "2024-09-25"][0]
    assert any(e["person"] == "mira-murati" and "OpenAl を離れる" in e["quote"] for e in sept["events"])
    assert html.count('<div class="frame"') == len(data)


def test_bad_timeline_options_fail_in_one_line(cli, db, tmp_path):
    usage = cli("timeline", "-o", tmp_path / "t.html", "--store", db, "--every", "year")
    assert usage.exit_code == 2  # not a choice: a usage error, as for render --format
    for args, message in [
        (["--every", "month", "--at-changes"], "choose one"),
        (["--from", "2024-12-01", "--to", "2024-01-01"], "before"),
        (["--from", "someday"], "not a date"),
    ]:
        result = cli("timeline", "-o", tmp_path / "t.html", "--store", db, *args)
        assert result.exit_code == 1 and result.stderr.startswith("Error:") and message in result.stderr, args
    assert not (tmp_path / "t.html").exists()


_MAC_APPS = [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
]
CHROMIUM = (
    shutil.which("chromium")
    or shutil.which("chromium-browser")
    or shutil.which("google-chrome")
    or next((p for p in _MAC_APPS if Path(p).exists()), None)
)
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):  # `make test` installs them; fail loudly rather than skip
        pytest.fail("headless Chromium and chromedriver are needed: run `make test` (it installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="orgsim-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _visible_names(driver) -> set[str]:
    frame = driver.find_element("css selector", ".frame.current")
    assert frame.is_displayed()
    hidden = [f for f in driver.find_elements("css selector", ".frame:not(.current)") if f.is_displayed()]
    assert hidden == []  # exactly one frame shows
    return {t.text for t in frame.find_elements("css selector", "g.node text") if t.text}


@pytest.mark.needs_dot
def test_in_a_real_browser_the_slider_shows_the_chart_change(cli, db, tmp_path, browser):
    page = _page(cli, db, tmp_path)
    browser.get("about:blank")
    _requests(browser)  # drop the browser's own start-up traffic
    browser.get(page.as_uri())
    slider = browser.find_element("id", "slider")
    days = [d.get_attribute("data-day") for d in browser.find_elements("css selector", ".frame")]

    def go(day: str) -> set[str]:
        browser.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
            slider,
            days.index(day),
        )
        assert browser.find_element("id", "day").text == day
        return _visible_names(browser)

    before = go("2024-08-01")
    assert "Mira Murati" in before and "Bob McGrew" in before
    panel = browser.find_element("id", "events").text
    assert "Greg Brockman" in panel and "休暇" in panel  # the leave, with its quote
    after = go("2024-09-25")
    assert "Mira Murati" not in after and "Bob McGrew" not in after and "Mark Chen" in after
    assert "SVP of Research" in browser.find_element("id", "events").text

    body = browser.find_element("tag name", "body")  # keyboard: one frame back with ←
    body.send_keys("\ue012")  # Keys.ARROW_LEFT
    assert browser.find_element("id", "day").text == "2024-08-01"
    assert "Mira Murati" in _visible_names(browser)

    browser.save_screenshot(str(tmp_path / "timeline.png"))
    made = [u for u in _requests(browser) if not u.startswith(("file://", "data:", "about:"))]
    assert made == [], made


@pytest.mark.needs_dot
def test_hostile_text_cannot_break_or_script_the_page(cli, db, tmp_path, browser):
    """A quote that opens an HTML comment and a script, a name that is an <img> with onerror:
    the page still runs, and shows them as text."""
    name, quote = '<img src=x onerror="document.title=1">', "<!--<script>alert(1)</script> & \u2028"
    result = cli(
        "append",
        "appointed",
        "eve-hostile",
        "--name",
        name,
        "--title",
        "</script><b>x</b>",
        "--on",
        "2024-10-01",
        "--quote",
        quote,
        "--url",
        "https://example.com/hostile",
        "--store",
        db,
    )
    assert result.exit_code == 0, result.stderr
    page = tmp_path / "hostile.html"
    assert cli("timeline", "--from", "2024-09-01", "--to", "2024-10-01", "-o", page, "--store", db).exit_code == 0
    browser.get(page.as_uri())
    days = [d.get_attribute("data-day") for d in browser.find_elements("css selector", ".frame")]
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
        browser.find_element("id", "slider"),
        days.index("2024-10-01"),
    )
    assert browser.find_element("tag name", "body").get_attribute("data-current-day") == "2024-10-01"  # JS ran
    panel = browser.find_element("id", "events")
    assert name in panel.text and "<!--<script>alert(1)</script>" in panel.text
    assert panel.find_elements("css selector", "img, script, b") == []  # text, not markup
    assert browser.title != "1"
    assert name in _visible_names(browser)  # in the SVG as text too
