/** A refused cancellation is told in a toast in the chosen language, from the hub's code. */
import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Notifications/Toasts";
import { i18n } from "../i18n";
import { MarketPage } from "../pages/MarketPage";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { json, request } from "../test/fixtures";
import { renderWithApp } from "../test/render";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

// What the hub answers when the order went meanwhile (its English text beside the code).
const GONE = { detail: "order 5 not found", code: "order_not_found", ctx: { order: 5 } };

async function cancelRefused(button: string) {
  renderWithApp(
    <>
      <MarketPage />
      <Toasts />
    </>,
    { routes: { "/api/requests": [request({ id: 5, status: "open" })], "POST /api/requests/5/cancel": () => json(GONE, 404) } },
  );
  fireEvent.click(within(await screen.findByTestId("request-5")).getByRole("button", { name: button }));
  return within(await screen.findByTestId("toast"));
}

describe("a refused cancellation", () => {
  it("is told in Korean when Korean is chosen", async () => {
    await i18n.changeLanguage("ko");
    const toast = await cancelRefused("요청 취소");
    expect(toast.getByText("취소하지 못했습니다")).toBeTruthy();
    expect(toast.getByText("주문을 찾을 수 없습니다.")).toBeTruthy();
    expect(screen.queryByText("order 5 not found")).toBeNull();
  });

  it("is told in the catalogue's English, not the hub's raw text", async () => {
    const toast = await cancelRefused("Cancel request");
    expect(toast.getByText("This order was not found.")).toBeTruthy();
  });
});
