/**
 * MapLibre for tests: jsdom has no WebGL. vite.config.ts points "maplibre-gl" at this module in
 * tests. Markers are real DOM elements appended to the map's container, as MapLibre places them;
 * controls render their own element. `FakeMap.last()` is the newest map.
 */
import type { MapOptions, StyleSpecification } from "maplibre-gl";

interface FakeControl {
  onAdd(map: Map): HTMLElement;
}

export class Map {
  static instances: Map[] = [];
  static last(): Map | undefined {
    return Map.instances.at(-1);
  }

  readonly container: HTMLElement;
  style: StyleSpecification;
  camera: unknown;
  removed = false;
  readonly controls: FakeControl[] = [];
  private readonly handlers: Record<string, ((event: unknown) => void)[]> = {};

  constructor(readonly options: MapOptions) {
    this.container = options.container as HTMLElement;
    this.style = options.style as StyleSpecification;
    this.camera = options.bounds ? { bounds: options.bounds } : { center: options.center, zoom: options.zoom };
    Map.instances.push(this);
  }

  addControl(control: FakeControl): this {
    this.controls.push(control);
    this.container.append(control.onAdd(this));
    return this;
  }

  on(type: string, handler: (event: unknown) => void): this {
    (this.handlers[type] ??= []).push(handler);
    return this;
  }

  fire(type: string, event: unknown = {}): void {
    for (const handler of this.handlers[type] ?? []) handler(event);
  }

  setStyle(style: StyleSpecification): this {
    this.style = style;
    return this;
  }

  fitBounds(bounds: unknown): this {
    this.camera = { bounds };
    return this;
  }

  jumpTo(options: unknown): this {
    this.camera = options;
    return this;
  }

  getContainer(): HTMLElement {
    return this.container;
  }

  remove(): void {
    this.removed = true;
  }
}

export class Marker {
  readonly element: HTMLElement;
  lngLat: [number, number] | null = null;

  constructor(options: { element: HTMLElement }) {
    this.element = options.element;
  }

  setLngLat(lngLat: [number, number]): this {
    this.lngLat = lngLat;
    return this;
  }

  addTo(map: Map): this {
    map.container.append(this.element);
    return this;
  }

  remove(): this {
    this.element.remove();
    return this;
  }
}

export class ScaleControl {
  constructor(readonly options: unknown = {}) {}
  onAdd(): HTMLElement {
    const element = document.createElement("div");
    element.className = "maplibregl-ctrl-scale";
    element.textContent = "1 km";
    return element;
  }
}

export class NavigationControl {
  constructor(readonly options: unknown = {}) {}
  onAdd(): HTMLElement {
    return document.createElement("div");
  }
}

export class AttributionControl {
  constructor(readonly options: { customAttribution?: string } = {}) {}
  onAdd(map: Map): HTMLElement {
    const element = document.createElement("div");
    const source = Object.values(map.style.sources)[0] as { attribution?: string } | undefined;
    element.textContent = source?.attribution ?? "";
    return element;
  }
}

export function setWorkerUrl(): void {}


