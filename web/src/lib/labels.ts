/**
 * Greedy placement of map labels: each marker tries right, left, above and below; a label that
 * would overlap another label, another marker or the map's edge is dropped (its marker keeps a
 * tooltip and an accessible name). Earlier markers win, so pass them in order of importance.
 */

export interface LabelRequest {
  x: number;
  y: number;
  /** Marker radius, px. */
  r: number;
  text: string;
}

export type Side = "right" | "left" | "above" | "below";

export interface PlacedLabel {
  x: number;
  y: number;
  anchor: "start" | "end" | "middle";
  side: Side;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface LabelFont {
  /** Font size, px. */
  size: number;
  /** Average glyph width as a fraction of the size (system sans, lower case ≈ 0.55). */
  widthFactor: number;
}

export const LABEL_FONT: LabelFont = { size: 12, widthFactor: 0.55 };
const GAP = 4;

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function markerBox(m: LabelRequest): Box {
  return { left: m.x - m.r, top: m.y - m.r, right: m.x + m.r, bottom: m.y + m.r };
}

function candidate(m: LabelRequest, side: Side, width: number, height: number): { box: Box; label: PlacedLabel } {
  const baseline = height * 0.35; // text y is its baseline: put the middle of the glyphs on the marker's centre
  switch (side) {
    case "right": {
      const left = m.x + m.r + GAP;
      return {
        box: { left, top: m.y - height / 2, right: left + width, bottom: m.y + height / 2 },
        label: { x: left, y: m.y + baseline, anchor: "start", side },
      };
    }
    case "left": {
      const right = m.x - m.r - GAP;
      return {
        box: { left: right - width, top: m.y - height / 2, right, bottom: m.y + height / 2 },
        label: { x: right, y: m.y + baseline, anchor: "end", side },
      };
    }
    case "above": {
      const bottom = m.y - m.r - GAP;
      return {
        box: { left: m.x - width / 2, top: bottom - height, right: m.x + width / 2, bottom },
        label: { x: m.x, y: bottom - height * 0.2, anchor: "middle", side },
      };
    }
    case "below": {
      const top = m.y + m.r + GAP;
      return {
        box: { left: m.x - width / 2, top, right: m.x + width / 2, bottom: top + height },
        label: { x: m.x, y: top + height * 0.8, anchor: "middle", side },
      };
    }
  }
}

const SIDES: Side[] = ["right", "left", "above", "below"];

/** One entry per marker: where to draw its label, or null when there is no room. */
export function placeLabels(
  markers: LabelRequest[],
  bounds: { width: number; height: number },
  font: LabelFont = LABEL_FONT,
): Array<PlacedLabel | null> {
  const taken: Box[] = markers.map(markerBox);
  const height = font.size * 1.2;
  return markers.map((m, index) => {
    const width = m.text.length * font.size * font.widthFactor;
    for (const side of SIDES) {
      const { box, label } = candidate(m, side, width, height);
      const inside = box.left >= 0 && box.top >= 0 && box.right <= bounds.width && box.bottom <= bounds.height;
      const free = taken.every((other, j) => j === index || !overlaps(box, other));
      if (inside && free) {
        taken.push(box);
        return label;
      }
    }
    return null;
  });
}
