import { describe, expect, it } from "vitest";
import { BACKGROUND, SINGLE_PLACE_ZOOM, cameraFor, mapStyle } from "./mapView";

describe("mapStyle", () => {
  it("draws the configured raster tiles over the background, with their credit", () => {
    const style = mapStyle({ tiles: "https://tile.example.org/{z}/{x}/{y}.png", attribution: "© OpenStreetMap contributors" });
    expect(style.layers.map((layer) => layer.id)).toEqual(["background", "tiles"]);
    expect(style.sources.tiles).toMatchObject({
      type: "raster",
      tiles: ["https://tile.example.org/{z}/{x}/{y}.png"],
      tileSize: 256,
      attribution: "© OpenStreetMap contributors",
    });
  });

  it("without tiles is the background alone, so nothing is fetched", () => {
    const style = mapStyle({ tiles: null, attribution: null });
    expect(style.sources).toEqual({});
    expect(style.layers).toEqual([{ id: "background", type: "background", paint: { "background-color": BACKGROUND } }]);
  });
});

describe("cameraFor", () => {
  it("frames every point, longitude first", () => {
    expect(
      cameraFor([
        { lat: 51.33, lon: 9.17 },
        { lat: 51.35, lon: 9.2 },
        { lat: 51.31, lon: 9.18 },
      ]),
    ).toEqual({ kind: "bounds", bounds: [[9.17, 51.31], [9.2, 51.35]] });
  });

  it("centres one place at street level instead of zooming into a point", () => {
    expect(cameraFor([{ lat: 51.33, lon: 9.17 }])).toEqual({ kind: "center", center: [9.17, 51.33], zoom: SINGLE_PLACE_ZOOM });
    const close = cameraFor([
      { lat: 51.33, lon: 9.17 },
      { lat: 51.3301, lon: 9.1701 },
    ]);
    expect(close?.kind).toBe("center");
  });

  it("has nothing to frame without points", () => {
    expect(cameraFor([])).toBeNull();
  });
});
