"""A resident opens the dashboard in a real browser and watches a live value change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from hub.core.config import REPO_ROOT
from powershare_demo.seeding import DEMO_PASSWORD, resident_email
from tests.e2e.stack import SITE, running_stack

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
            await page.screenshot(path=str(tmp_path / "dashboard.png"))

            # History and the month's bill render from the hub (settled or not yet).
            await page.get_by_test_id("tab-history").click()
            await expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()
            await page.get_by_role("link", name="Monthly bills").click()
            await expect(page.get_by_role("heading", name="Bills", level=1)).to_be_visible()
            await expect(page.get_by_label("Month", exact=True)).to_have_value(re.compile(r"^\d{4}-\d{2}$"))
            await expect(
                page.get_by_test_id("bill").or_(page.get_by_text("Nothing settled yet"))
            ).to_be_visible(timeout=15_000)
            await page.screenshot(path=str(tmp_path / "bills.png"))

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
            await page.screenshot(path=str(tmp_path / "map.png"))
            assert errors == [], f"console errors from sign-in to the map: {errors}"
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
            page = await browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
            await page.goto(stack.base_url)
            await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            assert await serious_violations(page) == [], "sign-in screen"
            await page.get_by_label("Email").fill(resident_email(SITE))
            await page.get_by_label("Password").fill(DEMO_PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_test_id("ws-status")).to_have_text("live", timeout=15_000)

            found: dict[str, list[str]] = {}
            for route, english, _ in SCREENS:
                await show(page, route)
                if english:
                    await expect(page.get_by_role("heading", name=english, level=1)).to_be_visible()
                found[route] = await serious_violations(page)
                await page.screenshot(path=str(tmp_path / f"en{route.replace('/', '-')}.png"))
            assert found == {route: [] for route, _, _ in SCREENS}

            await show(page, "/account")
            await page.get_by_label("Language").select_option("ko")
            await expect(page.locator("html")).to_have_attribute("lang", "ko")
            # Data, not interface: the site's and community's ids, the resident's email address, and
            # English named in itself in the language picker.
            email = re.findall(r"[A-Za-z]+", resident_email(SITE))
            # (The community id is random hex: a run of its letters, "cde" say, is data too.)
            ids = {*re.findall(r"[A-Za-z]+", community), *re.findall(r"[A-Za-z]+", SITE)}
            names = {SITE, community, *ids, *email, "English"}
            english_left: dict[str, set[str]] = {}
            for route, _, korean in SCREENS:
                await show(page, route)
                if korean:
                    await expect(page.get_by_role("heading", name=korean, level=1)).to_be_visible()
                text = await page.locator("body").inner_text()
                words = set(re.findall(r"[A-Za-z][A-Za-z']{2,}", text)) - LATIN_ALLOWED - names
                if words:
                    english_left[route] = words
                await page.screenshot(path=str(tmp_path / f"ko{route.replace('/', '-')}.png"))
            assert english_left == {}, f"English left on Korean screens: {english_left}"
        finally:
            await browser.close()
