import { act, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseEvent } from "../../api/events";
import { communityTotals } from "../../lib/totals";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { site } from "../../test/fixtures";
import { renderWithApp } from "../../test/render";
import { LiveTotals } from "./LiveTotals";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

const TS = "2026-01-01T12:00:00Z";
const LIVE = { sites: 2, production_w: 3700, wind_w: 700, consumption_w: 1400, import_w: 400, export_w: 2700, community_coverage_w: 400, self_sufficiency: 1 };

describe("LiveTotals", () => {
  it("shows the hub's self-sufficiency from its live stats, not one worked out in the browser (#10)", async () => {
    const [demo, north] = communityTotals([
      site("alpha", { pv_w: 3000, wind_w: 700, load_w: 1000, grid_w: -2700 }),
      site("gamma", { load_w: 400, grid_w: 400 }),
      site("nu", { load_w: 400, grid_w: 400 }, "north"),
    ]);
    renderWithApp(
      <>
        <LiveTotals totals={demo!} />
        <LiveTotals totals={north!} />
      </>,
    );
    expect(screen.getByTestId("community-demo-self").textContent).toBe("—"); // until the hub says
    expect(screen.getByTestId("community-demo-wind").textContent).toBe("700 W");
    expect(screen.queryByTestId("community-north-wind")).toBeNull();
    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().send({ type: "stats", community: "demo", site: null, ts: TS, live: LIVE });
    });
    await waitFor(() => expect(screen.getByTestId("community-demo-self").textContent).toBe("100%"));
    act(() => FakeWebSocket.latest().send({ type: "stats", community: "north", site: null, ts: TS, live: { ...LIVE, self_sufficiency: 0.25 } }));
    await waitFor(() => expect(screen.getByTestId("community-north-self").textContent).toBe("25%"));
    expect(screen.getByTestId("community-demo-self").textContent).toBe("100%"); // each its own
  });

  it("reads a stats event's live figures, and ignores one without them", () => {
    const stats = { type: "stats", community: "demo", site: null, ts: TS, live: LIVE };
    expect(parseEvent(JSON.stringify(stats))).toEqual(stats);
    expect(parseEvent(JSON.stringify({ ...stats, live: "?" }))).toBeNull();
  });
});
