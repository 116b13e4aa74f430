import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../../i18n";
import { json } from "../../test/fixtures";
import { renderWithApp } from "../../test/render";
import { MeterReadings } from "./MeterReadings";

const PREVIOUS = { read_at: "2026-03-01T08:00:00Z", import_wh: 1_000_000, export_wh: 20_000, recorded_at: "2026-03-01T08:01:00Z" };

afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

function fill(when: string, importKwh: string, exportKwh: string) {
  fireEvent.change(screen.getByLabelText("Read at"), { target: { value: when } });
  fireEvent.change(screen.getByLabelText("Imported from the grid (kWh)"), { target: { value: importKwh } });
  fireEvent.change(screen.getByLabelText("Exported to the grid (kWh)"), { target: { value: exportKwh } });
}

describe("meter readings entered by hand", () => {
  it("sends the counters as whole Wh with the time read, and lists the readings entered", async () => {
    const sent: unknown[] = [];
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [PREVIOUS],
        "POST /api/sites/alpha/meter-readings": (init) => {
          sent.push(JSON.parse(String(init?.body)));
          return json({ ...PREVIOUS, read_at: "2026-03-02T08:00:00Z", import_wh: 1_012_345, export_wh: 20_500 }, 201);
        },
      },
    });
    expect(await screen.findByText("1,000 kWh")).toBeTruthy();

    fill("2026-03-02T09:00", "1012.345", "20.5");
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ read_at: new Date("2026-03-02T09:00").toISOString(), import_wh: 1_012_345, export_wh: 20_500 });
    // The list is fetched again once the hub has stored it.
    await waitFor(() => expect(fetchMock.mock.calls.filter(([url]) => url === "/api/sites/alpha/meter-readings")).toHaveLength(3));
  });

  it("refuses a counter lower than the previous reading before asking the hub, naming the previous value", async () => {
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, { routes: { "/api/sites/alpha/meter-readings": [PREVIOUS] } });
    await screen.findByText("1,000 kWh");

    fill("2026-03-02T09:00", "999", "20.5");
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));

    expect(await screen.findByText("Lower than the previous reading (1,000 kWh); a meter's counter only grows.")).toBeTruthy();
    expect(fetchMock.mock.calls.some(([, init]) => (init as RequestInit | undefined)?.method === "POST")).toBe(false);
  });

  it("shows the hub's refusal next to its field, in Korean when Korean is chosen", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [],
        "POST /api/sites/alpha/meter-readings": () =>
          json({ detail: [{ loc: ["body", "read_at"], msg: "2026-03-02T09:00:00+00:00 is in the future", type: "value_error" }] }, 422),
      },
    });
    expect(await screen.findByText("아직 입력한 검침이 없습니다.")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("검침 시각"), { target: { value: "2099-03-02T09:00" } });
    fireEvent.change(screen.getByLabelText("전력망에서 받은 양 (kWh)"), { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("전력망으로 보낸 양 (kWh)"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "검침 저장" }));

    const error = await screen.findByText("미래 시각일 수 없습니다.");
    expect(error.closest(".field")?.querySelector("input")?.getAttribute("aria-invalid")).toBe("true");
  });
});
