import { describe, expect, it } from "vitest";
import { en } from "../i18n/en";
import { i18n } from "../i18n";
import { explain, formatDecimalPrice, formatKwh, knownCodes, renderLine, type Explanation, type OrderSide } from "./explanations";

const NAMES = new Map([["am-markt-3", "Am Markt 3"]]);
const ctx = (locale: string, currency = "EUR") => ({ locale, currency, siteNames: NAMES });

/** The explanation in words, as the component shows it (rest lines included). */
function say(side: OrderSide, explanation: Explanation | null, locale = "en", currency = "EUR"): string[] {
  const t = i18n.getFixedT(locale);
  return explain(side, explanation, ctx(locale, currency)).map((line) => renderLine(line, (key, values) => t(key, values ?? {}), locale));
}

const MATCHED: Explanation = {
  code: "matched",
  params: { energy_wh: 2400, energy_price: "0.1800", fee: "0.0100", price: "0.1900", partners: ["am-markt-3"] },
  rest: null,
};

describe("formatting the figures", () => {
  it.each([
    ["0.1500", "EUR", "en", "€0.1500"],
    ["0.15", "EUR", "en", "€0.15"],
    ["0.1", "EUR", "en", "€0.10"],
    ["150.0000", "KRW", "ko", "₩150"],
    ["0.1800", undefined, "en", "0.1800"],
    ["0.1800", "not-a-code", "en", "0.1800"],
    ["nonsense", "EUR", "en", "—"],
    [null, "EUR", "en", "—"],
  ])("price %s %s (%s) → %s", (value, currency, locale, expected) => {
    expect(formatDecimalPrice(value, { locale, currency })).toBe(expected);
  });

  it("shows energy in kWh", () => {
    expect(formatKwh(2400, "en")).toBe("2.4 kWh");
    expect(formatKwh(1234, "ko")).toBe("1.23 kWh");
    expect(formatKwh(1_500_000, "en")).toBe("1,500 kWh");
    expect(formatKwh(undefined, "en")).toBe("—");
  });
});

describe("request explanations in English", () => {
  it("explains a match with the partner's name and the price split", () => {
    expect(say("request", MATCHED)).toEqual(["Matched 2.4 kWh with Am Markt 3: €0.1800 energy + €0.0100 grid fee = €0.1900 per kWh"]);
  });

  it("explains a partial match and the grid's share of the rest", () => {
    const explanation: Explanation = {
      code: "partly_matched",
      params: { ...MATCHED.params, requested_wh: 4000, partners: ["am-markt-3", "beta"] },
      rest: { code: "no_offer", params: { grid_wh: 1600, grid_price: "0.3000" }, rest: null },
    };
    const lines = explain("request", explanation, ctx("en"));
    expect(lines.map((line) => line.rest ?? false)).toEqual([false, true, true]);
    expect(say("request", explanation)).toEqual([
      "Matched 2.4 kWh of 4 kWh with Am Markt 3 and beta: €0.1800 energy + €0.0100 grid fee = €0.1900 per kWh",
      "No neighbour offered energy for this time.",
      "The grid supplies 1.6 kWh at retail €0.3000.",
    ]);
  });

  it.each([
    [{ code: "price_too_low", params: { cheapest_price: "0.3100", max_price: "0.2500" } }, "Not matched: the cheapest offer plus fee was €0.3100, above your maximum €0.2500."],
    [{ code: "too_far", params: { nearest_km: 12.34, max_distance_km: 5 } }, "Not matched: the nearest offer was 12.3 km away, beyond your limit of 5 km."],
    [{ code: "outbid", params: { clearing_price: "0.2200", max_price: "0.2000" } }, "Not matched: outbid by higher or more urgent requests (clearing price €0.2200, your maximum €0.2000)."],
    [{ code: "outbid", params: { clearing_price: null, max_price: "0.2000" } }, "Not matched: outbid by higher or more urgent requests (your maximum €0.2000)."],
    [{ code: "no_green_offer", params: {} }, "Not matched: no green energy was offered for this time."],
    [{ code: "only_own_sites" }, "Not matched: the only offers came from your own sites."],
    [{ code: "only_excluded", params: null }, "Not matched: the only offers came from neighbours you excluded."],
  ])("%j", (explanation, text) => {
    expect(say("request", explanation as Explanation)).toEqual([text]);
  });
});

describe("offer explanations in English", () => {
  it("explains a sale and what went into the grid", () => {
    const explanation: Explanation = {
      code: "partly_matched",
      params: { energy_wh: 1000, offered_wh: 3000, energy_price: "0.1800", partners: ["gamma"] },
      rest: { code: "undercut", params: { clearing_price: "0.1500", min_price: "0.1700", grid_wh: 2000, grid_price: "0.0800" } },
    };
    expect(say("offer", explanation)).toEqual([
      "Matched 1 kWh of 3 kWh with gamma at €0.1800 per kWh",
      "Not matched: cheaper offers covered the demand (clearing price €0.1500, your minimum €0.1700).",
      "2 kWh goes into the grid at the feed-in price €0.0800.",
    ]);
  });

  it("names the preferences that ruled an offer out", () => {
    const explanation = { code: "not_wanted", params: { preferences: ["green_only", "distance"] } };
    expect(say("offer", explanation)).toEqual(["Not matched: the requests' preferences ruled your offer out (green energy only and distance limit)."]);
  });

  it("reads a too-cheap bid", () => {
    expect(say("offer", { code: "price_too_high", params: { best_price: "0.1200", min_price: "0.1500" } })).toEqual([
      "Not matched: the best bid was €0.1200, below your minimum €0.1500.",
    ]);
  });
});

describe("in Korean", () => {
  it("explains a match", () => {
    expect(say("request", MATCHED, "ko")).toEqual([
      "Am Markt 3와(과) 2.4 kWh 거래 성사: 에너지 €0.1800 + 전력망 요금 €0.0100 = kWh당 €0.1900",
    ]);
  });

  it("explains the unmatched part and the grid", () => {
    const explanation: Explanation = { code: "price_too_low", params: { cheapest_price: "0.3100", max_price: "0.2500", grid_wh: 500, grid_price: "0.3000" } };
    expect(say("request", explanation, "ko")).toEqual([
      "거래 불성사: 가장 저렴한 제안에 요금을 더하면 €0.3100로, 내 최고 가격 €0.2500보다 높았습니다.",
      "전력망에서 0.5 kWh를 소매 가격 €0.3000에 공급합니다.",
    ]);
  });

  it("joins the preferences the Korean way", () => {
    expect(say("offer", { code: "not_wanted", params: { preferences: ["green_only", "distance", "excluded"] } }, "ko")).toEqual([
      "거래 불성사: 요청자의 조건에 맞지 않았습니다 (친환경 에너지만, 거리 제한 및 제외한 거래 상대).",
    ]);
  });

  it("says it is waiting, and names unknown codes", () => {
    expect(say("offer", null, "ko")).toEqual(["다음 정산 구간의 시장 정산을 기다리는 중"]);
    expect(say("offer", { code: "brand_new" }, "ko")).toEqual(["이 주문에 대한 시장 결과: “brand_new”"]);
  });
});

describe("odd input", () => {
  it("waits when there is no explanation yet", () => {
    expect(say("request", null)).toEqual(["Waiting for the next market clearing"]);
    expect(say("request", undefined as unknown as null)).toEqual(["Waiting for the next market clearing"]);
  });

  it("never crashes on unknown codes or missing figures", () => {
    expect(say("request", { code: "something_new", params: { x: 1 } })).toEqual(["The market's answer for this order: “something_new”"]);
    // An offer code on a request is unknown there.
    expect(say("request", { code: "undercut" })).toEqual(["The market's answer for this order: “undercut”"]);
    expect(say("request", { code: "matched", params: { partners: "nope" } })).toEqual(["Matched — with —: — energy + — grid fee = — per kWh"]);
  });

  it("has an English and a Korean sentence for every code", () => {
    const ko = i18n.getFixedT("ko");
    for (const side of ["request", "offer"] as const) {
      const catalogue = en.explanation[side] as Record<string, string>;
      for (const code of knownCodes(side)) {
        expect(catalogue[code], `${side}.${code}`).toBeTypeOf("string");
        expect(ko(`explanation.${side}.${code}`), `${side}.${code} in Korean`).not.toBe(catalogue[code]);
      }
    }
  });
});
