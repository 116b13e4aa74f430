import { act, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../../i18n";
import { NotificationsPage } from "../../pages/NotificationsPage";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { site } from "../../test/fixtures";
import { renderWithApp } from "../../test/render";
import { AppShell } from "../Layout/AppShell";

beforeEach(() => FakeWebSocket.reset());

const COMMUNITY = { id: "demo", name: "Demo", currency: "EUR", retail_price_per_kwh: "0.3000", feed_in_price_per_kwh: "0.0800" };
const SETTLED = {
  site: "alpha",
  interval: "2026-01-05T12:00:00Z",
  revision: 1,
  sold_wh: 1200,
  bought_wh: 0,
  earned: "0.2160",
  paid: "0",
  shortfall: false,
};
const note = (id: number, data: object, kind = "settlement") => ({
  id,
  kind,
  title: "Delivered 1.2 kWh",
  body: "alpha: delivered 1.2 kWh to neighbours, earning 0.2160",
  data,
  created_at: "2026-01-05T12:20:00Z",
  read_at: null,
});
const routes = {
  "/api/sites": [{ ...site("alpha", null), name: "Alpha", mine: true }],
  "/api/communities": [COMMUNITY],
  "/api/notifications": [
    note(1, SETTLED),
    note(2, { ...SETTLED, revision: 2, sold_wh: 0, bought_wh: 300, paid: "0.0570", shortfall: true }),
    note(3, { transaction_id: 7, status: "partially_delivered" }, "transaction"),
  ],
};

describe("settlement notifications in words", () => {
  it("say what was delivered and what it came to, corrections and trade statuses too", async () => {
    renderWithApp(<NotificationsPage />, { routes });
    const first = await screen.findByTestId("notification-1");
    await vi.waitFor(() => expect(first.textContent).toContain("€0.22"));
    expect(within(first).getByText("Delivered 1.2 kWh")).toBeTruthy();
    expect(first.textContent).toMatch(/^.*Alpha, .*: delivered 1\.2 kWh to neighbours, earning €0\.22/);
    const second = screen.getByTestId("notification-2");
    expect(second.textContent).toContain("Settlement corrected after late readings");
    expect(second.textContent).toContain("received 0.3 kWh from neighbours for €0.06");
    expect(screen.getByTestId("notification-3").textContent).toContain("Energy trade: Partly delivered");
  });

  it("in Korean", async () => {
    renderWithApp(<NotificationsPage />, { routes });
    await act(() => i18n.changeLanguage("ko"));
    const first = await screen.findByTestId("notification-1");
    await vi.waitFor(() => expect(first.textContent).toContain("이웃에게 1.2 kWh를 전달하여 €0.22 수입"));
    expect(within(first).getByText("1.2 kWh 전달됨")).toBeTruthy();
    expect(screen.getByTestId("notification-2").textContent).toContain("늦은 측정값으로 정산이 정정되었습니다");
    expect(screen.getByTestId("notification-3").textContent).toContain("에너지 거래: 일부 전달");
    expect(screen.getAllByRole("button", { name: "읽음으로 표시" })).toHaveLength(3);
  });

  it("pop up as toasts in words, a shortfall as a warning", async () => {
    renderWithApp(
      <AppShell>
        <p>page</p>
      </AppShell>,
      { routes },
    );
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open();
      socket.send({ type: "notification", notification: note(9, { ...SETTLED, shortfall: true }) });
    });
    const toast = within(screen.getByTestId("toasts")).getByTestId("toast");
    expect(toast.className).toContain("toast--warning");
    expect(toast.textContent).toContain("Shortfall: 1.2 kWh delivered");
    await vi.waitFor(() => expect(toast.textContent).toContain("Alpha"));
  });
});
