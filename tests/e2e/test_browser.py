"""A resident in a real browser: a live value changing, a new resident's journey from sign-up to
the bill, and every screen checked with axe and read in Korean, photographed at phone and desktop size.

The screenshots are kept: in ``POWERSHARE_ARTIFACTS`` if set, else ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, ViewportSize, async_playwright, expect

from hub.core.config import REPO_ROOT
from powershare_demo.seeding import DEMO_PASSWORD, DEMO_TIMEZONE, resident_email
from tests.e2e.stack import NEIGHBOUR_SITE, NEW_HOME, SITE, running_market, running_stack, walk

pytestmark = pytest.mark.browser

# Without these, Chromium keeps calling home, and this machine's closed network refuses it.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES: dict[str, ViewportSize] = {
    "phone": ViewportSize(width=390, height=844),
    "desktop": ViewportSize(width=1280, height=800),
}


def artifacts() -> Path:
    """Where screenshots outlive the run (CI uploads the directory)."""
    configured = os.environ.get("POWERSHARE_ARTIFACTS")
    folder = Path(configured) if configured else REPO_ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def keep_screenshot(page: Page, screen: str, language: str, size: str) -> None:
    await page.screenshot(path=str(artifacts() / f"{screen}-{language}-{size}.png"), full_page=True)


async def test_dashboard_shows_a_live_value_that_keeps_changing(
    tmp_path: Path, community: str, sqlite_url: str, chromium: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (REPO_ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("the dashboard is not built: run `make web` (make test does it)")
    # No tiles: this machine's network is closed; the map must still show its markers and scale.
    monkeypatch.setenv("POWERSHARE_MAP_TILES", "")
    async with (
        running_stack(tmp_path, community, sqlite_url) as stack,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(stack.base_url)
            await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            assert errors == [], f"console errors on the sign-in page: {errors}"  # it asks who is in, quietly
            await page.get_by_label("Email").fill(resident_email(SITE))
            await page.get_by_label("Password").fill(DEMO_PASSWORD)
            await page.get_by_role("button", name="Sign in").click()

            pv = page.get_by_test_id(f"site-{SITE}-pv_w")
            await expect(pv).to_have_text(re.compile(r"\d"), timeout=15_000)
            await expect(page.get_by_test_id("ws-status")).to_have_text("live", timeout=15_000)
            first = await pv.inner_text()

            stack.clock.advance(4 * 3600)  # move the simulated sun; the page must follow without reload
            await expect(pv).not_to_have_text(first, timeout=15_000)

            # History and the month's bill render from the hub (settled or not yet).
            await page.get_by_test_id("tab-history").click()
            await expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()
            await page.get_by_role("link", name="Monthly bills").click()
            await expect(page.get_by_role("heading", name="Bills", level=1)).to_be_visible()
            await expect(page.get_by_label("Month", exact=True)).to_have_value(re.compile(r"^\d{4}-\d{2}$"))
            await expect(
                page.get_by_test_id("bill").or_(page.get_by_text("Nothing settled yet"))
            ).to_be_visible(timeout=15_000)

            # The map (MapLibre, drawn with WebGL) places the resident's home and a scale bar.
            await page.get_by_test_id("tab-map").click()
            await expect(page.get_by_role("heading", name="Providers", level=1)).to_be_visible()
            marker = page.get_by_test_id(f"map-site-{SITE}")
            await expect(marker).to_be_visible(timeout=15_000)
            await expect(page.locator(".maplibregl-canvas")).to_be_visible()
            await expect(page.locator(".maplibregl-ctrl-scale")).to_have_text(re.compile(r"^\d+\s?k?m$"))
            await marker.click()
            await expect(marker).to_have_attribute("aria-pressed", "true")
            await expect(page.get_by_test_id(f"provider-{SITE}")).to_be_in_viewport()
            # what the hub says the site has on offer now (its providers endpoint), in the list
            await expect(page.get_by_test_id(f"provider-{SITE}-offer")).to_have_text(
                re.compile(r"on offer now|in the next interval|Nothing on offer now")
            )
            assert errors == [], f"console errors from sign-in to the map: {errors}"
        finally:
            await browser.close()


NEWCOMER, NEWCOMER_PASSWORD = "mina@example.org", "sunny-balcony-2026"
TRADED_WH = 300
GRACE = timedelta(seconds=300)  # the community's settlement grace (its default)


def local_input(moment: datetime) -> str:
    """A datetime-local field's value; the browser runs in UTC, as the hub's times are."""
    return moment.strftime("%Y-%m-%dT%H:%M")


async def test_a_new_resident_signs_up_buys_from_a_neighbour_and_finds_it_on_the_bill(
    tmp_path: Path, community: str, sqlite_url: str, chromium: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (REPO_ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("the dashboard is not built: run `make web` (make test does it)")
    monkeypatch.setenv("POWERSHARE_MAP_TILES", "")
    async with (
        running_market(tmp_path, community, sqlite_url) as market,
        async_playwright() as playwright,
    ):
        # Joining takes an invitation or an admin's approval: the organiser hands out a code.
        invitation = await market.admin.post(f"/api/communities/{community}/invitations")
        assert invitation.status_code == 201, invitation.text
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport=SIZES["phone"], timezone_id="UTC")
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(market.base_url)
            await page.get_by_role("button", name="Create an account").click()
            await expect(page.get_by_role("heading", name="Create your account", level=1)).to_be_visible()
            await page.get_by_label("Your name").fill("Mina")
            await page.get_by_label("Email").fill(NEWCOMER)
            await page.get_by_label("Password").fill(NEWCOMER_PASSWORD)
            await page.get_by_label("Community (optional)").fill(community)
            await page.get_by_label("Invitation code (optional)").fill(invitation.json()["code"])
            await keep_screenshot(page, "journey-sign-up", "en", "phone")
            await page.get_by_role("button", name="Create your account").click()
            await expect(page.get_by_test_id("ws-status")).to_have_text("live", timeout=15_000)

            # The invitation let the resident in at once: no admin's approval to wait for.
            await page.get_by_test_id("open-account").click()
            await expect(page.get_by_role("definition").filter(has_text=community)).to_have_count(1)
            # The installer hands the resident their home; they sign in again to see it.
            owner = await market.admin.put(f"/api/sites/{NEW_HOME}/owner", json={"owner_email": NEWCOMER})
            assert owner.status_code == 200, owner.text
            await page.get_by_role("button", name="Sign out").click()
            await page.get_by_label("Email").fill(NEWCOMER)
            await page.get_by_label("Password").fill(NEWCOMER_PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await page.get_by_test_id("tab-home").click()

            # The home's flow follows the meter as simulated time passes, without a reload (the
            # agents poll on the shared clock: nothing is read until it moves).
            overview = (await market.neighbour.get(f"/api/communities/{community}/market")).json()
            start = datetime.fromisoformat(overview["open_interval"])
            gate = datetime.fromisoformat(overview["next_gate"])
            step = (gate - market.clock.now()) / 3
            await walk(market.clock, market.clock.now() + step)
            grid = page.get_by_test_id(f"site-{NEW_HOME}-grid_w")
            await expect(grid).to_have_text(re.compile(r"\d"), timeout=15_000)
            await expect(page.get_by_test_id(f"flow-panel-{NEW_HOME}")).to_be_visible()
            first_reading = await grid.inner_text()
            await walk(market.clock, market.clock.now() + step)
            await expect(grid).not_to_have_text(first_reading, timeout=15_000)
            await keep_screenshot(page, "journey-home", "en", "phone")

            # A neighbour's roof offers energy for the next interval; the resident asks for it.
            window = {
                "window_start": start.isoformat(),
                "window_end": (start + timedelta(minutes=15)).isoformat(),
            }
            offered = await market.neighbour.post(
                "/api/offers",
                json={"site": NEIGHBOUR_SITE, "energy_wh": TRADED_WH, "min_price": "0.1000", **window},
            )
            assert offered.status_code == 201, offered.text
            await page.get_by_test_id("tab-market").click()
            await expect(page.get_by_role("heading", name="Market", level=1)).to_be_visible()
            await page.get_by_role("button", name="New order").click()
            await expect(page.get_by_test_id("order-kind-only")).to_have_text(
                "This site may only buy energy."
            )
            await page.get_by_label("Energy over the whole window (kWh)").fill(str(TRADED_WH / 1000))
            await page.get_by_label("From").fill(local_input(start))
            await page.get_by_label("Until").fill(local_input(start + timedelta(minutes=15)))
            await page.get_by_role("button", name="Post request").click()
            mine = page.get_by_test_id(re.compile(r"^request-\d+$")).filter(has_text="0.3 kWh")
            await expect(mine).to_have_count(1, timeout=15_000)
            # for the interval asked (the browser runs in UTC), until the gate
            await expect(mine).to_contain_text(
                f"{start:%-I:%M %p} – {start + timedelta(minutes=15):%-I:%M %p}"
            )
            await expect(mine.get_by_test_id("explanation")).to_have_text(
                "Waiting for the next market clearing"
            )

            # Past the gate the market clears; the request says it matched, with whom and at what price.
            await walk(market.clock, gate + timedelta(seconds=30))
            explanation = mine.get_by_test_id("explanation")
            await expect(explanation).to_contain_text(
                re.compile(rf"Matched 0\.3 kWh with {NEIGHBOUR_SITE}: .+ energy \+ .+ grid fee = .+ per kWh"),
                timeout=15_000,
            )
            await keep_screenshot(page, "journey-market-matched", "en", "phone")

            # History lists the trade; after the interval and the grace it is settled from the meters.
            await page.get_by_test_id("tab-history").click()
            await expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()
            trade = page.get_by_test_id(re.compile(r"^transaction-\d+$"))
            await expect(trade).to_have_count(1, timeout=15_000)
            await expect(trade.get_by_test_id("transaction-traded")).to_have_text("0.3 kWh")
            await walk(market.clock, start + timedelta(minutes=15) + GRACE + timedelta(seconds=30))
            await expect(trade.get_by_test_id("transaction-status")).to_have_text("Completed", timeout=30_000)
            await expect(trade.get_by_test_id("transaction-delivered")).to_have_text("0.3 kWh")
            await keep_screenshot(page, "journey-history", "en", "phone")

            # The month's bill counts what the neighbour delivered.
            await page.get_by_role("link", name="Monthly bills").click()
            await expect(page.get_by_role("heading", name="Bills", level=1)).to_be_visible()
            await expect(page.get_by_label("Month", exact=True)).to_have_value(start.strftime("%Y-%m"))
            await expect(page.get_by_test_id("bill-bought_from_neighbours")).to_contain_text(
                "0.3 kWh", timeout=15_000
            )
            await keep_screenshot(page, "journey-bills", "en", "phone")
            assert errors == [], f"page errors along the journey: {errors}"
        finally:
            await browser.close()


# Every screen, by its hash route, with the heading it shows in English and in Korean.
SCREENS = [
    ("/", "Live energy", "실시간 에너지"),
    ("/market", "Market", "거래소"),
    ("/calendar", "Energy calendar", None),
    ("/map", "Providers", "공급자"),
    ("/history", "History", None),
    ("/bills", "Bills", "청구서"),
    ("/community", None, None),
    ("/notifications", None, None),
    ("/account", None, None),
]
AXE_SIZES = ("phone", "desktop")
AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Latin-script words a Korean screen may show: the brand, units, the map's credit, and the test
# site's own names (site and community ids are data, not interface text).
LATIN_ALLOWED = {
    "PowerShare",
    "kWh",
    "kW",
    "km",
    "Wh",
    "MapLibre",
    "OpenStreetMap",
    "contributors",
    "CSV",
    "AM",
    "PM",
}


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    results = await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}: "
        f"{v['nodes'][0]['failureSummary']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screen_name(route: str) -> str:
    return route.strip("/") or "home"


async def show(page: Page, route: str) -> None:
    """Open a screen without reloading (hash route) and wait until nothing on it is loading."""
    await page.evaluate("route => { location.hash = '#' + route }", route)
    await expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=15_000)
    await expect(page.locator(".loading")).to_have_count(0, timeout=15_000)


async def test_every_screen_passes_axe_and_reads_in_korean(
    tmp_path: Path, community: str, sqlite_url: str, chromium: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is missing from web/node_modules: run `make web`")
    monkeypatch.setenv("POWERSHARE_MAP_TILES", "")
    async with (
        running_stack(tmp_path, community, sqlite_url) as stack,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # The hub's CSP refuses inline scripts, as it should; axe is injected as one.
            page = await browser.new_page(viewport=SIZES["phone"], bypass_csp=True)
            await page.goto(stack.base_url)
            await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            for size, viewport in SIZES.items():
                await page.set_viewport_size(viewport)
                if size in AXE_SIZES:
                    assert await serious_violations(page) == [], f"sign-in screen ({size})"
                await keep_screenshot(page, "sign-in", "en", size)
            await page.get_by_label("Email").fill(resident_email(SITE))
            await page.get_by_label("Password").fill(DEMO_PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_test_id("ws-status")).to_have_text("live", timeout=15_000)

            found: dict[str, list[str]] = {}
            for size, viewport in SIZES.items():
                await page.set_viewport_size(viewport)
                for route, english, _ in SCREENS:
                    await show(page, route)
                    if english:
                        await expect(page.get_by_role("heading", name=english, level=1)).to_be_visible()
                    if size in AXE_SIZES:
                        found[f"{route} ({size})"] = await serious_violations(page)
                    await keep_screenshot(page, screen_name(route), "en", size)
            assert found == {f"{route} ({size})": [] for size in AXE_SIZES for route, _, _ in SCREENS}

            await show(page, "/account")
            await page.get_by_label("Language").select_option("ko")
            await expect(page.locator("html")).to_have_attribute("lang", "ko")
            # Data, not interface: the site's and community's ids, the resident's email address, the
            # community's time zone (the bills name it where it differs from the browser's), and
            # English named in itself in the language picker.
            email = re.findall(r"[A-Za-z]+", resident_email(SITE))
            # (The community id is random hex: a run of its letters, "cde" say, is data too.)
            ids = {*re.findall(r"[A-Za-z]+", community), *re.findall(r"[A-Za-z]+", SITE)}
            zone = re.findall(r"[A-Za-z]+", DEMO_TIMEZONE)
            names = {SITE, community, *ids, *email, *zone, "English"}
            english_left: dict[str, set[str]] = {}
            for size, viewport in SIZES.items():
                await page.set_viewport_size(viewport)
                for route, _, korean in SCREENS:
                    await show(page, route)
                    if korean:
                        await expect(page.get_by_role("heading", name=korean, level=1)).to_be_visible()
                    text = await page.locator("body").inner_text()
                    words = set(re.findall(r"[A-Za-z][A-Za-z']{2,}", text)) - LATIN_ALLOWED - names
                    if words:
                        english_left[f"{route} ({size})"] = words
                    await keep_screenshot(page, screen_name(route), "ko", size)

            # Signed out, the sign-in screen keeps the language chosen, its picker included.
            await show(page, "/account")
            await page.get_by_role("button", name="로그아웃").click()
            await expect(page.get_by_role("heading", name="로그인", level=1)).to_be_visible()
            await expect(page.get_by_label("언어")).to_have_value("ko")
            for size, viewport in SIZES.items():
                await page.set_viewport_size(viewport)
                text = await page.locator("body").inner_text()
                words = set(re.findall(r"[A-Za-z][A-Za-z']{2,}", text)) - LATIN_ALLOWED - names
                if words:
                    english_left[f"sign-in ({size})"] = words
                if size in AXE_SIZES:
                    assert await serious_violations(page) == [], f"Korean sign-in screen ({size})"
                await keep_screenshot(page, "sign-in", "ko", size)
            assert english_left == {}, f"English left on Korean screens: {english_left}"
        finally:
            await browser.close()
