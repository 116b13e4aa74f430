import { act, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { json, site } from "../../test/fixtures";
import { renderApp } from "../../test/render";

const ADA = { id: 1, email: "ada@example.org", role: "resident", display_name: "Ada", community: "demo", sites: ["alpha"] };
const SITES = [site("alpha", { pv_w: 1500, load_w: 500, grid_w: -1000 })];

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

function fill(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("signing in", () => {
  it("asks a signed-out visitor to sign in, then shows their sites", async () => {
    let signedIn = false;
    const { fetchMock } = renderApp({
      routes: {
        "/api/session": () => json({ user: signedIn ? ADA : null }),
        "/api/sites": SITES,
        "POST /api/auth/login": (init) => {
          const body = JSON.parse(String(init?.body)) as { email: string; password: string };
          if (body.password !== "correct horse") return json({ detail: "wrong email or password" }, 401);
          signedIn = true;
          return json({ token: "t", user: ADA });
        },
      },
    });
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByTestId("ws-status")).toBeNull(); // no live feed before sign-in

    fill(/^email/i, "ada@example.org");
    fill(/^password/i, "wrong");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("wrong email or password");

    fill(/^password/i, "correct horse");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByTestId("site-alpha-pv_w")).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/auth/login",
      expect.objectContaining({ method: "POST", credentials: "same-origin" }),
    );
    // The live feed opens only now, so the handshake carries the session cookie.
    expect(FakeWebSocket.instances).toHaveLength(1);
    act(() => FakeWebSocket.latest().open());
    expect(screen.getByTestId("ws-status").textContent).toBe("live");
  });

  it("registers a new resident and signs them in", async () => {
    let signedIn = false;
    const registered: unknown[] = [];
    renderApp({
      routes: {
        "/api/session": () => json({ user: signedIn ? ADA : null }),
        "/api/sites": [],
        "POST /api/auth/register": (init) => {
          registered.push(JSON.parse(String(init?.body)));
          return json(ADA, 201);
        },
        "POST /api/auth/login": () => {
          signedIn = true;
          return json({ token: "t", user: ADA });
        },
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Create an account" }));
    fill(/your name/i, "Ada");
    fill(/^email/i, "ada@example.org");
    fill(/^password/i, "long enough");
    fill(/community/i, "demo");
    fireEvent.click(screen.getByRole("button", { name: "Create your account" }));
    expect(await screen.findByText("No sites yet")).toBeTruthy();
    expect(registered).toEqual([{ email: "ada@example.org", password: "long enough", display_name: "Ada", community: "demo" }]);
  });

  it("shows the hub's message next to the field it concerns", async () => {
    renderApp({
      routes: {
        "/api/session": () => json({ user: null }),
        "POST /api/auth/register": () =>
          json({ detail: [{ loc: ["body", "email"], msg: "an account with this email exists", type: "value_error" }] }, 409),
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Create an account" }));
    fill(/^email/i, "ada@example.org");
    fill(/^password/i, "long enough");
    fireEvent.click(screen.getByRole("button", { name: "Create your account" }));
    expect(await screen.findByText("an account with this email exists")).toBeTruthy();
    expect(screen.getByLabelText(/^email/i).getAttribute("aria-invalid")).toBe("true");
  });

  it("returns to sign-in when the session expires", async () => {
    let expired = false;
    const { queryClient } = renderApp({
      routes: {
        "/api/session": () => json({ user: expired ? null : ADA }),
        "/api/sites": () => (expired ? json({ detail: "expired" }, 401) : json(SITES)),
      },
    });
    await screen.findByTestId("site-alpha-pv_w");
    expired = true;
    await act(() => queryClient.refetchQueries({ queryKey: ["sites"] }));
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
  });

  it("signs out from the account page", async () => {
    let signedIn = true;
    renderApp({
      path: "/account",
      routes: {
        "/api/session": () => json({ user: signedIn ? ADA : null }),
        "POST /api/auth/logout": () => {
          signedIn = false;
          return new Response(null, { status: 204 });
        },
      },
    });
    expect(await screen.findByText("ada@example.org")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
  });
});
