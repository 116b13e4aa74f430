import { describe, expect, it } from "vitest";
import { placeLabels } from "./labels";

const bounds = { width: 400, height: 200 };
const font = { size: 10, widthFactor: 0.5 }; // 5 px per character, 12 px line

describe("placeLabels", () => {
  it("puts a lone label to the right of its marker", () => {
    const [label] = placeLabels([{ x: 100, y: 100, r: 8, text: "alpha" }], bounds, font);
    expect(label).toMatchObject({ side: "right", anchor: "start", x: 112 });
  });

  it("flips to the left at the right edge", () => {
    const [label] = placeLabels([{ x: 390, y: 100, r: 8, text: "alpha" }], bounds, font);
    expect(label).toMatchObject({ side: "left", anchor: "end", x: 378 });
  });

  it("moves a second label out of the way of the first", () => {
    const labels = placeLabels(
      [
        { x: 100, y: 100, r: 8, text: "first-site" },
        { x: 100, y: 108, r: 8, text: "second-site" },
      ],
      bounds,
      font,
    );
    expect(labels[0]?.side).toBe("right");
    expect(labels[1]).not.toBeNull();
    expect(labels[1]?.side).not.toBe("right");
  });

  it("does not write over another marker", () => {
    const labels = placeLabels(
      [
        { x: 150, y: 100, r: 8, text: "b" },
        { x: 100, y: 100, r: 8, text: "a-long-name" },
      ],
      bounds,
      font,
    );
    expect(labels[1]?.side).not.toBe("right");
  });

  it("drops a label when there is no room anywhere", () => {
    const crowd = [
      { x: 100, y: 100, r: 8, text: "centre" },
      { x: 130, y: 100, r: 8, text: "e" },
      { x: 70, y: 100, r: 8, text: "w" },
      { x: 100, y: 75, r: 8, text: "n" },
      { x: 100, y: 125, r: 8, text: "s" },
    ];
    const labels = placeLabels(crowd.slice(1).concat(crowd[0]!), bounds, font);
    expect(labels[4]).toBeNull();
  });
});
