import { describe, expect, it } from "vitest";
import { applyOrderEvent, formatCountdown, isCancellable, isInBook, isOpen, mergeOrderLists, nextGate, orderKindsFor, orderStatusKey, sourcesFor, standingKindsFor, upsertOrder, upsertResult } from "./orders";

describe("orderStatusKey", () => {
  it.each([
    ["open", "market.status.open"],
    ["OPEN", "market.status.open"],
    ["matched", "market.status.matched"],
    ["partly_matched", "market.status.partly_matched"],
    ["cancelled", "market.status.cancelled"],
    ["something-new", undefined],
    [undefined, undefined],
  ])("%s → %s", (status, key) => {
    expect(orderStatusKey(status)).toBe(key);
  });

  it("knows an open order", () => {
    expect(isOpen("open")).toBe(true);
    expect(isOpen("matched")).toBe(false);
    expect(isOpen(undefined)).toBe(false);
  });
});


describe("what a site may do", () => {
  it.each([
    ["consumer", ["request"]],
    ["provider", ["offer"]],
    ["hybrid", ["request", "offer"]],
    [undefined, ["request", "offer"]],
  ])("a %s site may place %j", (kind, kinds) => {
    expect(orderKindsFor(kind)).toEqual(kinds);
  });

  it("keeps standing orders to the site's kind, selling a battery only with one", () => {
    const battery = [{ kind: "battery" as const, power_kw: 5, energy_kwh: 10 }];
    expect(standingKindsFor({ kind: "consumer", assets: battery })).toEqual(["buy_deficit"]);
    expect(standingKindsFor({ kind: "provider", assets: [] })).toEqual(["sell_surplus"]);
    expect(standingKindsFor({ kind: "provider", assets: battery })).toEqual(["sell_surplus", "sell_battery"]);
    expect(standingKindsFor({ kind: "hybrid", assets: [{ kind: "battery", power_kw: 5, energy_kwh: null }] })).toEqual(["sell_surplus", "buy_deficit"]);
  });

  it("offers from the site's own sources", () => {
    expect(sourcesFor({ assets: [{ kind: "solar", power_kw: 5 }, { kind: "battery", power_kw: 3, energy_kwh: 10 }] })).toEqual(["solar", "battery"]);
    expect(sourcesFor({ assets: [] })).toEqual(["solar", "wind", "battery"]);
    expect(sourcesFor(undefined)).toEqual(["solar", "wind", "battery"]);
  });

  it("cancels open and partly matched orders", () => {
    expect(isCancellable("open")).toBe(true);
    expect(isCancellable("partly_matched")).toBe(true);
    expect(isCancellable("matched")).toBe(false);
  });
});

interface View {
  id: number;
  site: string | null;
  mine: boolean;
  status: string;
  explanation: unknown;
  excluded_partners: string[];
  distance_km?: number | null;
}

describe("live order updates", () => {
  const full: View = { id: 1, site: "alpha", mine: true, status: "open", explanation: { code: "matched", params: { partners: ["b"] } }, excluded_partners: ["x"] };
  const pub: View = { id: 1, site: null, mine: false, status: "partly_matched", explanation: { code: "matched", params: {} }, excluded_partners: [] };

  it("adds a new order first and replaces a known one by id", () => {
    const list = upsertOrder([{ ...full, id: 2 }], full);
    expect(list.map((o) => o.id)).toEqual([1, 2]);
    expect(upsertOrder(list, { ...full, status: "matched" })[0]?.status).toBe("matched");
  });

  it("never lets the public copy wipe the owner's view", () => {
    const [merged] = upsertOrder([full], pub);
    expect(merged).toMatchObject({ site: "alpha", mine: true, status: "partly_matched", excluded_partners: ["x"] });
    expect(merged?.explanation).toEqual(full.explanation);
  });

  it("keeps a provider's distance", () => {
    const withDistance: View = { ...pub, distance_km: 1.2 };
    expect(upsertOrder([withDistance], { ...pub, status: "matched" })[0]?.distance_km).toBe(1.2);
  });

  it("keeps interval results newest first, one per start", () => {
    const a = { start: "2026-01-01T10:00:00Z", n: 1 };
    const b = { start: "2026-01-01T10:15:00Z", n: 2 };
    expect(upsertResult([a], b).map((r) => r.n)).toEqual([2, 1]);
    expect(upsertResult([b, a], { ...b, start: "2026-01-01T10:15:00+00:00", n: 3 }).map((r) => r.n)).toEqual([3, 1]);
  });
});

describe("the gate countdown", () => {
  const gate = "2026-01-01T10:10:00Z";
  const at = (iso: string) => Date.parse(iso);
  it("counts to the next gate, moving on by whole intervals once it passed", () => {
    expect(nextGate(gate, 15, at("2026-01-01T10:05:00Z"))).toBe(at(gate));
    expect(nextGate(gate, 15, at("2026-01-01T10:10:00Z"))).toBe(at("2026-01-01T10:25:00Z"));
    expect(nextGate(gate, 15, at("2026-01-01T10:41:00Z"))).toBe(at("2026-01-01T10:55:00Z"));
    expect(nextGate("nonsense", 15, 0)).toBeNull();
  });

  it.each([
    [65_000, "1:05"],
    [3_725_000, "1:02:05"],
    [-5, "0:00"],
    [400, "0:01"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});

describe("the market's lists: the book, one's own, merged", () => {
  const order = (id: number, fields: Partial<{ mine: boolean; status: string; site: string | null; created_at: string; explanation: unknown }> = {}) => ({
    id,
    site: null as string | null,
    mine: false,
    status: "open",
    created_at: `2026-01-05T12:0${id % 10}:00Z`,
    ...fields,
  });

  it("drops an order from the book once it leaves it; the plain list keeps it", () => {
    const book = [order(2), order(1)];
    expect(applyOrderEvent(book, order(2, { status: "matched" }), "active").map((o) => o.id)).toEqual([1]);
    expect(applyOrderEvent(book, order(2, { status: "partly_matched" }), "active").map((o) => o.status)).toEqual(["partly_matched", "open"]);
    expect(applyOrderEvent(book, order(3), "active").map((o) => o.id)).toEqual([3, 2, 1]);
    expect(applyOrderEvent(book, order(3, { status: "expired" }), "active").map((o) => o.id)).toEqual([2, 1]);
    expect(applyOrderEvent(book, order(2, { status: "cancelled" }), "all").map((o) => o.status)).toEqual(["cancelled", "open"]);
  });

  it("takes into one's own list the owner's copies, and public copies only of orders it holds", () => {
    const mine = [order(4, { mine: true, site: "alpha" })];
    expect(applyOrderEvent(mine, order(5), "mine").map((o) => o.id)).toEqual([4]);
    expect(applyOrderEvent(mine, order(6, { mine: true, site: "alpha" }), "mine").map((o) => o.id)).toEqual([6, 4]);
    // The public copy of one's own order updates it without wiping the site.
    expect(applyOrderEvent(mine, order(4, { status: "matched" }), "mine")).toEqual([order(4, { mine: true, site: "alpha", status: "matched" })]);
  });

  it("merges the book and one's own without duplicates, the own copy winning, newest first", () => {
    const book = [order(3), order(2, { mine: true, site: null }), order(1)];
    const mine = [order(2, { mine: true, site: "alpha", explanation: { code: "matched" } }), order(5, { mine: true, site: "alpha", status: "matched" })];
    const merged = mergeOrderLists(book, mine);
    expect(merged.map((o) => o.id)).toEqual([5, 3, 2, 1]);
    expect(merged.find((o) => o.id === 2)).toMatchObject({ site: "alpha", mine: true, explanation: { code: "matched" } });
    // Same moment: the higher id first; no time at all goes last.
    const tie = mergeOrderLists([order(7, { created_at: "2026-01-05T12:00:00Z" }), order(8, { created_at: "" })], [order(9, { created_at: "2026-01-05T12:00:00Z" })]);
    expect(tie.map((o) => o.id)).toEqual([9, 7, 8]);
    expect(mergeOrderLists([], [])).toEqual([]);
  });

  it("isInBook: open and partly matched only", () => {
    expect(["open", "partly_matched", "matched", "expired", "cancelled", undefined].map((s) => isInBook(s))).toEqual([true, true, false, false, false, false]);
  });
});
