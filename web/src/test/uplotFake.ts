/**
 * uPlot for tests: jsdom has no canvas to draw on, so charts record what they would draw.
 * vite.config.ts points "uplot" at this module in tests; `FakeUPlot.last()` is the newest chart.
 */
import type uPlot from "uplot";

export default class FakeUPlot {
  static instances: FakeUPlot[] = [];
  static paths = { bars: () => () => null };

  static last(): FakeUPlot | undefined {
    return FakeUPlot.instances.at(-1);
  }

  destroyed = false;

  constructor(
    readonly options: uPlot.Options,
    public data: uPlot.AlignedData,
    readonly target: HTMLElement,
  ) {
    FakeUPlot.instances.push(this);
  }

  setData(data: uPlot.AlignedData): void {
    this.data = data;
  }

  destroy(): void {
    this.destroyed = true;
  }
}
