import { describe, expect, it } from "vitest";
import { buildOrder, type OrderFields } from "./orderForm";

const FIELDS: OrderFields = {
  site: "alpha",
  energyKwh: "2.5",
  start: "2026-01-05T17:00:00.000Z",
  end: "2026-01-05T19:00:00.000Z",
  price: "0.25",
  urgency: "critical",
  greenOnly: true,
  maxDistanceKm: "2",
  preferred: ["gamma"],
  excluded: ["beta"],
  source: "battery",
};
const CORRIDOR = { min: "0.0800", max: "0.3000" };

describe("the order form's body", () => {
  it("refuses a neighbour both preferred and excluded, and the site as its own partner", () => {
    expect(buildOrder("request", { ...FIELDS, preferred: ["gamma", "beta"] }, CORRIDOR)).toEqual({
      ok: false,
      errors: { preferred_partners: "market.form.errors.preferredExcluded" },
    });
    expect(buildOrder("request", { ...FIELDS, preferred: ["alpha"], excluded: ["alpha"] }, CORRIDOR)).toEqual({
      ok: false,
      errors: { preferred_partners: "market.form.errors.preferredSelf", excluded_partners: "market.form.errors.excludedSelf" },
    });
    // Offers carry no partner preferences: nothing to check there.
    expect(buildOrder("offer", { ...FIELDS, price: "0.08", preferred: ["beta"] }, CORRIDOR).ok).toBe(true);
    const none = buildOrder("request", { ...FIELDS, preferred: [], excluded: [] }, CORRIDOR);
    expect(none.ok && none.draft.kind === "request" ? [none.draft.body.preferred_partners, none.draft.body.excluded_partners] : null).toEqual([[], []]);
  });

  it("builds a request with integer Wh and the price as a 4-decimal string", () => {
    expect(buildOrder("request", FIELDS, CORRIDOR)).toEqual({
      ok: true,
      draft: {
        kind: "request",
        body: {
          site: "alpha",
          energy_wh: 2500,
          window_start: FIELDS.start,
          window_end: FIELDS.end,
          urgency: "critical",
          max_price: "0.2500",
          green_only: true,
          max_distance_km: 2,
          preferred_partners: ["gamma"],
          excluded_partners: ["beta"],
        },
      },
    });
  });

  it("builds an offer with its source and no request preferences", () => {
    const check = buildOrder("offer", { ...FIELDS, price: "0.08" }, CORRIDOR);
    expect(check).toEqual({
      ok: true,
      draft: { kind: "offer", body: { site: "alpha", energy_wh: 2500, window_start: FIELDS.start, window_end: FIELDS.end, min_price: "0.0800", source: "battery" } },
    });
  });

  it("sends no distance limit when the field is empty", () => {
    const check = buildOrder("request", { ...FIELDS, maxDistanceKm: " " }, CORRIDOR);
    expect(check.ok && check.draft.kind === "request" ? check.draft.body.max_distance_km : "x").toBeNull();
  });

  it("names each problem at the hub's field", () => {
    expect(
      buildOrder("request", { ...FIELDS, energyKwh: "0", price: "0.31", end: "2026-01-05T16:00:00.000Z", maxDistanceKm: "-1" }, CORRIDOR),
    ).toEqual({
      ok: false,
      errors: {
        energy_wh: "market.form.errors.energy.tooSmall",
        max_price: "market.form.errors.price.aboveMax",
        window_end: "market.form.errors.endBeforeStart",
        max_distance_km: "market.form.errors.distance",
      },
    });
    expect(buildOrder("offer", { ...FIELDS, price: "0.12345", start: null }, CORRIDOR)).toEqual({
      ok: false,
      errors: { min_price: "market.form.errors.price.decimals", window_start: "market.form.errors.start" },
    });
    expect(buildOrder("offer", { ...FIELDS, price: "0.05" }, CORRIDOR)).toMatchObject({ errors: { min_price: "market.form.errors.price.belowMin" } });
  });
});
