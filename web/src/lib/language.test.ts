import { describe, expect, it } from "vitest";
import { languageOf, pickLanguage } from "./language";

describe("languageOf", () => {
  it.each([
    ["ko", "ko"],
    ["ko-KR", "ko"],
    ["KO-kr", "ko"],
    ["en-US", "en"],
    ["de-CH", "en"],
    ["", "en"],
    [undefined, "en"],
  ])("%s → %s", (tag, language) => {
    expect(languageOf(tag)).toBe(language);
  });
});

describe("pickLanguage", () => {
  it("prefers the saved choice", () => {
    expect(pickLanguage("en", "ko-KR")).toBe("en");
    expect(pickLanguage("ko", "en-US")).toBe("ko");
  });

  it("falls back to the browser when nothing (or nonsense) is saved", () => {
    expect(pickLanguage(null, "ko-KR")).toBe("ko");
    expect(pickLanguage("fr", "en-US")).toBe("en");
  });
});
