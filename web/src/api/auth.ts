/** Accounts: who is signed in, sign in / out, register. The session lives in an httpOnly cookie. */
import type { components } from "../client/hub.gen";
import { ApiError, getJson, sendJson } from "./client";

type Schemas = components["schemas"];

export type Role = Schemas["UserRole"];
/** The signed-in user, with the ids of the sites they own. */
export type User = Schemas["Me"];
export type LoginResult = Schemas["LoginResult"];
/** `invitation`: an admin's one-use code, joins `community` at once (without it, the hub records a request to join). */
export type RegisterBody = Schemas["RegisterBody"];
/** The hub answers the same whether or not the email had an account (so nobody learns who has one). */
export type RegistrationAccepted = Schemas["RegistrationAccepted"];

/** The signed-in user, `null` when signed out.
 * Asks /api/session, which answers 200 signed in or not, so a page load logs no error
 * (/api/me stays 401 for API clients). */
export async function fetchMe({ signal }: { signal?: AbortSignal } = {}): Promise<User | null> {
  try {
    const { user } = await getJson<Schemas["SessionState"]>("/api/session", signal);
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function login(email: string, password: string): Promise<LoginResult> {
  const body: Schemas["LoginBody"] = { email, password };
  return sendJson<LoginResult>("POST", "/api/auth/login", body);
}

export function register(body: RegisterBody): Promise<RegistrationAccepted> {
  return sendJson<RegistrationAccepted>("POST", "/api/auth/register", body);
}

export function logout(): Promise<void> {
  return sendJson<void>("POST", "/api/auth/logout");
}
