import { describe, expect, it } from "vitest";
import { offer, request, transaction } from "../test/fixtures";
import { toNotification, toOffer, toRequest, toTransaction } from "./normalize";

describe("market normalisers", () => {
  it("keep the hub's order views as they are, Wh and decimal prices", () => {
    const raw = request({ id: 1, energy_wh: 2500, max_price: "0.3000", urgency: "critical" });
    expect(toRequest({ ...raw })).toEqual(raw);
    expect(toOffer({ ...offer({ id: 2, min_price: "0.0800" }) })).toMatchObject({ id: 2, min_price: "0.0800", energy_wh: 1000 });
    expect(toTransaction({ ...transaction() })).toMatchObject({ energy_price: "0.1800", fee: "0.0100", buyer_price: "0.1900" });
  });

  it("drop an explanation that isn't one", () => {
    expect(toRequest({ ...request(), explanation: { params: {} } }).explanation).toBeNull();
    expect(toOffer({ ...offer(), explanation: { code: "matched", params: {} } }).explanation).toEqual({ code: "matched", params: {} });
  });

  it("read a notification's body and read_at", () => {
    expect(toNotification({ id: 3, kind: "match", title: "Matched", body: "2 kWh", read_at: null })).toMatchObject({
      message: "2 kWh",
      read: false,
    });
  });

});
