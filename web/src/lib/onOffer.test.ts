import { describe, expect, it } from "vitest";
import { offerLines, offersBySite, pooled, type OnOffer } from "./onOffer";

const offer = (nowWh: number, nextWh: number, fromPrice: string | null, currency = "EUR"): OnOffer => ({ nowWh, nextWh, fromPrice, currency });

describe("offerLines", () => {
  it.each([
    ["both intervals", offer(2400, 1000, "0.1250"), "en", ["2.4 kWh now", "1 kWh next", "€0.1250"]],
    ["only the next", offer(0, 500, "0.0900"), "en", ["0.5 kWh next", "€0.0900"]],
    ["nothing", offer(0, 0, null), "en", ["nothing"]],
    ["sub-cent price kept", offer(1000, 0, "0.1234"), "en", ["1 kWh now", "€0.1234"]],
    ["won without minor units", offer(1000, 0, "150.0000", "KRW"), "ko", ["1 kWh now", "₩150"]],
  ] as const)("%s", (_what, given, locale, expected) => {
    const said = offerLines(given, locale).map((line) =>
      line.key === "map.offerNow"
        ? `${line.values.energy} now`
        : line.key === "map.offerNext"
          ? `${line.values.energy} next`
          : line.key === "map.fromPrice"
            ? line.values.price
            : "nothing",
    );
    expect(said).toEqual(expected);
  });
});

describe("offersBySite", () => {
  it("keys each provider by community and site, skipping communities without an answer", () => {
    const interval = (energy_wh: number) => ({ start: "2026-06-21T10:00:00Z", energy_wh, min_price_per_kwh: null });
    const provider = (site: string, now: number, next: number, price: string | null) => ({
      site,
      name: "",
      kind: "provider" as const,
      mine: false,
      sources: [],
      location: null,
      on_offer: [interval(now), interval(next)],
      min_price_per_kwh: price,
    });
    const found = offersBySite([
      { community: "north", currency: "EUR", now: "2026-06-21T10:07:00Z", providers: [provider("a", 100, 200, "0.1000")] },
      null,
      { community: "south", currency: "KRW", now: "2026-06-21T10:07:00Z", providers: [provider("a", 0, 0, null)] },
    ]);
    expect(found.get("north/a")).toEqual(offer(100, 200, "0.1000"));
    expect(found.get("south/a")).toEqual(offer(0, 0, null, "KRW"));
    expect(found.size).toBe(2);
  });
});

describe("pooled", () => {
  it.each([
    ["none known", [undefined, undefined], null],
    ["one", [offer(100, 0, "0.2000")], offer(100, 0, "0.2000")],
    ["summed, the lowest price", [offer(100, 50, "0.2000"), undefined, offer(300, 0, "0.1500"), offer(0, 0, null)], offer(400, 50, "0.1500")],
    ["no prices", [offer(0, 0, null), offer(0, 0, null)], offer(0, 0, null)],
  ] as const)("%s", (_what, given, expected) => {
    expect(pooled(given)).toEqual(expected);
  });
});
