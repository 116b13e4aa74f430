import { describe, expect, it } from "vitest";
import { isOpen, orderStatusKey } from "./orders";

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
