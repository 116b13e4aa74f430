import { describe, expect, it } from "vitest";
import { toNotification, toOffer, toRequest, toTransaction } from "./normalize";

describe("market normalisers", () => {
  it("read the hub's kWh amounts and site_id", () => {
    expect(
      toRequest({ id: 1, community: "demo", site_id: "gamma", amount_kwh: 2.5, urgency: "high", max_price_per_kwh: 0.3, status: "open" }),
    ).toMatchObject({ id: 1, site: "gamma", amount_wh: 2500, urgency: "high", max_price_per_kwh: 0.3, status: "open" });
    expect(toOffer({ id: 2, site_id: "alpha", amount_kwh: 4, min_price_per_kwh: 0.2 })).toMatchObject({
      site: "alpha",
      amount_wh: 4000,
      price_per_kwh: 0.2,
    });
  });

  it("name a transaction's seller and buyer and work out its total", () => {
    const t = toTransaction({
      id: 9,
      seller_site_id: "alpha",
      buyer_site_id: "gamma",
      amount_kwh: 2,
      delivered_kwh: 0.5,
      price_per_kwh: 0.25,
      status: "delivering",
    });
    expect(t).toMatchObject({ from_site: "alpha", to_site: "gamma", amount_wh: 2000, delivered_wh: 500, total_price: 0.5 });
  });

  it("read a notification's body and read_at", () => {
    expect(toNotification({ id: 3, kind: "match", title: "Matched", body: "2 kWh", read_at: null })).toMatchObject({
      message: "2 kWh",
      read: false,
    });
  });

  it("tolerate missing fields", () => {
    expect(toRequest({ id: "x" })).toMatchObject({ id: "x", amount_wh: undefined, site: undefined, window_start: null });
  });
});
