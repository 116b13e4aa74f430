/** The hub's refusals beside the field they concern, in the chosen language. */
import { fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../../i18n";
import { json } from "../../test/fixtures";
import { renderApp } from "../../test/render";

afterEach(() => vi.unstubAllGlobals());

// What the hub answers a password of five characters (pydantic's own code, with its value).
const TOO_SHORT = {
  detail: [
    {
      loc: ["body", "password"],
      msg: "String should have at least 8 characters",
      type: "string_too_short",
      ctx: { min_length: 8 },
    },
  ],
};

function fill(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

async function registerWithShortPassword() {
  renderApp({
    routes: {
      "/api/session": () => json({ user: null }),
      "POST /api/auth/register": () => json(TOO_SHORT, 422),
    },
  });
  fireEvent.click(await screen.findByRole("button", { name: "Create an account" }));
  fill(/^email/i, "ada@example.org");
  fill(/^password/i, "short");
  fireEvent.click(screen.getByRole("button", { name: "Create your account" }));
}

/** The error text the password field points to (aria-describedby). */
function passwordError(): string | null {
  const input = screen.getByLabelText(/^password/i);
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ");
  const error = ids.map((id) => document.getElementById(id)).find((node) => node?.classList.contains("field__error"));
  return error?.textContent ?? null;
}

describe("sign-up refused by the hub", () => {
  it("says why beside the password, in words instead of the validator's", async () => {
    await registerWithShortPassword();
    expect(await screen.findByText("At least 8 characters.")).toBeTruthy();
    expect(passwordError()).toBe("At least 8 characters.");
    expect(screen.getByLabelText(/^password/i).getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByText("String should have at least 8 characters")).toBeNull();
  });

  it("says it in Korean when Korean is chosen", async () => {
    await i18n.changeLanguage("ko");
    await registerWithShortPassword();
    expect(await screen.findByText("8자 이상 입력하세요.")).toBeTruthy();
    expect(passwordError()).toBe("8자 이상 입력하세요.");
  });

  it("words a refusal about no field, such as too many sign-ins", async () => {
    await i18n.changeLanguage("ko");
    renderApp({
      routes: {
        "/api/session": () => json({ user: null }),
        "POST /api/auth/login": () =>
          json({ detail: "too many failed sign-ins; try again in 30 s", code: "rate_limited", ctx: { retry_after: 30 } }, 429),
      },
    });
    await screen.findByRole("heading", { name: "Sign in" });
    fill(/^email/i, "ada@example.org");
    fill(/^password/i, "whatever it is");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("시도 횟수가 너무 많습니다. 30초 후에 다시 시도하세요.");
  });
});
