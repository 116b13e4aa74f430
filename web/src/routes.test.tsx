import { screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "./App";
import { AppShell } from "./components/Layout/AppShell";
import { FakeWebSocket } from "./test/FakeWebSocket";
import { renderWithApp } from "./test/render";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

const shell = (
  <AppShell>
    <AppRoutes />
  </AppShell>
);

describe("the route table", () => {
  it.each([
    ["/market", "Market · PowerShare", "Market"],
    ["/bills", "Bills · PowerShare", "History"],
    ["/account", "Your account · PowerShare", null],
    ["/nowhere", "Page not found · PowerShare", null],
  ])("%s names the browser tab and marks its bottom tab", async (path, title, tab) => {
    renderWithApp(shell, { path, routes: { "/api/sites": [] } });
    await vi.waitFor(() => expect(document.title).toBe(title));
    const current = within(screen.getByRole("navigation", { name: "Main" }))
      .getAllByRole("link")
      .filter((link) => link.getAttribute("aria-current") === "page")
      .map((link) => link.textContent);
    expect(current).toEqual(tab === null ? [] : [tab]);
  });
});
