import { describe, expect, it } from "vitest";
import { equipmentOf, UNKNOWN_EQUIPMENT } from "./equipment";

describe("equipmentOf", () => {
  it.each([
    [[{ kind: "solar" }], { generation: true, battery: false, generationLabel: "Solar" }],
    [[{ kind: "wind" }], { generation: true, battery: false, generationLabel: "Wind" }],
    [[{ kind: "solar" }, { kind: "wind" }, { kind: "battery" }], { generation: true, battery: true, generationLabel: "Generation" }],
    [[{ kind: "battery" }], { generation: false, battery: true, generationLabel: "Solar" }],
  ])("%o → %o", (assets, expected) => {
    expect(equipmentOf({ assets })).toEqual(expected);
  });

  it("knows nothing when the hub declares no assets", () => {
    expect(equipmentOf({})).toBe(UNKNOWN_EQUIPMENT);
    // A site registered without assets (the hub's default kind is hybrid) is not known to be bare.
    expect(equipmentOf({ assets: [], kind: "hybrid" })).toBe(UNKNOWN_EQUIPMENT);
  });

  it("takes an empty list at its word for a consumer", () => {
    expect(equipmentOf({ assets: [], kind: "consumer" })).toEqual({ generation: false, battery: false, generationLabel: "Solar" });
  });
});
