import { describe, expect, it } from "vitest";
import { ApiError, errorProblems, type ErrorProblem } from "../api/client";
import { createI18n } from "../i18n";
import { errorText, fieldErrorTexts, problemText, type ErrorTextContext } from "./errorText";
import { formatWhen } from "./format";

function context(language: "en" | "ko", currency?: string): ErrorTextContext {
  const i18n = createI18n(language);
  return { t: (key, values) => i18n.t(key, values ?? {}), exists: (key) => i18n.exists(key), locale: language, currency };
}

const en = context("en");
const ko = context("ko");

describe("errorProblems", () => {
  it("reads field problems with their code, values and the field they concern", () => {
    const body = {
      detail: [
        { loc: ["body", "password"], msg: "String should have at least 8 characters", type: "string_too_short", ctx: { min_length: 8 } },
        { loc: ["query", "end"], msg: "must be after start", type: "end_not_after_start" },
        { loc: ["body"], msg: "Field required", type: "missing" },
        { loc: ["body", "x"] },
      ],
    };
    expect(errorProblems(body)).toEqual([
      { field: "password", code: "string_too_short", params: { min_length: 8 }, text: "String should have at least 8 characters" },
      { field: "end", code: "end_not_after_start", params: {}, text: "must be after start" },
      { code: "missing", params: {}, text: "Field required" },
    ]);
  });

  it("reads a refusal about no one field with its code", () => {
    const body = { detail: "too many failed sign-ins; try again in 30 s", code: "rate_limited", ctx: { retry_after: 30 } };
    expect(errorProblems(body)).toEqual([{ code: "rate_limited", params: { retry_after: 30 }, text: body.detail }]);
    expect(errorProblems({ detail: "old hub" })).toEqual([{ code: "", params: {}, text: "old hub" }]);
    expect(errorProblems("<html>")).toEqual([]);
  });
});

describe("problemText", () => {
  const problem = (code: string, params: Record<string, unknown> = {}, text = "hub text"): ErrorProblem => ({ code, params, text });

  it("words the hub's codes with their values in the chosen language", () => {
    expect(problemText(problem("rate_limited", { retry_after: 30 }), ko)).toBe("시도 횟수가 너무 많습니다. 30초 후에 다시 시도하세요.");
    expect(problemText(problem("span_too_long", { max_days: 31 }), en)).toBe("At most 31 days at once.");
  });

  const corridor = problem("price_outside_corridor", { low: "0.0800", high: "0.3000", price: "0.5000" });
  const wonCorridor = problem("price_outside_corridor", { low: "80.0000", high: "300.0000", price: "500.0000" });
  const aboveRetail = problem("feed_in_above_retail", { retail: "0.3000" });
  it.each([
    ["en", "EUR", corridor, "Must lie between the feed-in price €0.0800 and the retail price €0.3000 per kWh."],
    ["ko", "EUR", corridor, "kWh당 역송 단가 €0.0800와(과) 소매 단가 €0.3000 사이여야 합니다."],
    ["ko", "KRW", wonCorridor, "kWh당 역송 단가 ₩80와(과) 소매 단가 ₩300 사이여야 합니다."],
    ["en", "EUR", aboveRetail, "Must not be above the retail price €0.3000."],
    ["ko", "EUR", aboveRetail, "소매 단가 €0.3000보다 높을 수 없습니다."],
    ["en", undefined, corridor, "Must lie between the feed-in price 0.0800 and the retail price 0.3000 per kWh."],
  ] as const)("writes the prices a refusal names as money: %s, %s (%#)", (language, currency, refusal, expected) => {
    expect(problemText(refusal, context(language, currency))).toBe(expected);
  });

  it("shows a price the hub spells oddly as it came", () => {
    expect(problemText(problem("feed_in_above_retail", { retail: "n/a" }), context("en", "EUR"))).toBe("Must not be above the retail price n/a.");
  });

  it("words pydantic's own codes", () => {
    const short = problem("string_too_short", { min_length: 8 }, "String should have at least 8 characters");
    expect(problemText(short, en)).toBe("At least 8 characters.");
    expect(problemText(short, ko)).toBe("8자 이상 입력하세요.");
    expect(problemText(problem("greater_than", { gt: 0 }), en)).toBe("Must be greater than 0.");
  });

  it("words an order's status in the chosen language, not the hub's English word", () => {
    const matched = problem("order_not_cancellable", { status: "matched" });
    expect(problemText(matched, ko)).toBe("이 주문은 거래 성사 상태입니다. 진행 중인 주문만 취소할 수 있습니다.");
    expect(problemText(matched, ko)).not.toContain("matched");
    expect(problemText(problem("order_not_cancellable", { status: "someday" }), en)).toContain("someday");
  });

  it("writes a time the hub gives for the reader", () => {
    const first = "2026-06-21T10:15:00+00:00";
    const past = problem("window_in_the_past", { first });
    expect(problemText(past, en)).toBe(`This window is over: intervals still taking orders start at ${formatWhen(first, "en")}.`);
    expect(problemText(past, ko)).toContain(formatWhen(first, "ko"));
  });

  it("falls back to the hub's text for a code it does not know", () => {
    expect(problemText(problem("something_new", {}, "the hub's words"), ko)).toBe("the hub's words");
    expect(problemText(problem("", {}, "no code"), en)).toBe("no code");
    expect(problemText(problem("../market", {}, "odd"), en)).toBe("odd");
  });
});

describe("errorText and fieldErrorTexts", () => {
  it("word an ApiError's first problem and each field's", () => {
    const error = new ApiError(422, [
      { field: "password", code: "password_too_guessable", params: {}, text: "too common" },
      { field: "password", code: "string_too_short", params: { min_length: 8 }, text: "short" },
      { field: "community", code: "community_not_found", params: { community: "nowhere" }, text: "no community 'nowhere'" },
    ]);
    expect(errorText(error, ko)).toBe("너무 흔하거나 추측하기 쉬운 비밀번호입니다.");
    expect(fieldErrorTexts(error, en)).toEqual({
      password: "This password is too common or too easy to guess.",
      community: "There is no community nowhere.",
    });
  });

  it("say that the hub could not be reached for any other error", () => {
    expect(errorText(new TypeError("Failed to fetch"), en)).toBe("The hub could not be reached. Check your connection and try again.");
    expect(fieldErrorTexts(new TypeError("Failed to fetch"), en)).toEqual({});
  });
});
