import { describe, expect, it } from "vitest";
import { formatCountdown, isCancellable, isOpen, nextGate, orderKindsFor, orderStatusKey, sourcesFor, standingKindsFor, upsertOrder, upsertResult } from "./orders";

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
