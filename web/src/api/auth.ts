/** Accounts: who is signed in, sign in / out, register. The session lives in an httpOnly cookie. */
import type { components } from "../client/hub.gen";
import { ApiError, getJson, isMissingEndpoint, sendJson } from "./client";

export type Role = "resident" | "admin";

export interface User {
  id: number;
  email: string;
  role: Role | string;
  display_name: string;
  community: string | null;
  created_at?: string;
  /** Ids of the sites this user owns. */
  sites?: string[];
}

export interface LoginResult {
  token: string;
  token_type?: string;
  expires_at?: string;
  user: User;
}

export interface RegisterBody {
  email: string;
  password: string;
  display_name?: string;
  community?: string | null;
  /** An admin's one-use code: joins `community` at once (without it, the hub records a request to join). */
  invitation?: string | null;
}

/** Stand-in when the hub has no accounts at all (GET /api/session is missing): everything is open. */
export const OPEN_ACCESS: User = { id: 0, email: "", role: "resident", display_name: "", community: null };

/** The signed-in user, `null` when signed out, OPEN_ACCESS when the hub has no accounts.
 * Asks /api/session, which answers 200 signed in or not, so a page load logs no error
 * (/api/me stays 401 for API clients). */
export async function fetchMe({ signal }: { signal?: AbortSignal } = {}): Promise<User | null> {
  try {
    const { user } = await getJson<components["schemas"]["SessionState"]>("/api/session", signal);
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    if (isMissingEndpoint(error)) return OPEN_ACCESS;
    throw error;
  }
}

export function login(email: string, password: string): Promise<LoginResult> {
  return sendJson<LoginResult>("POST", "/api/auth/login", { email, password });
}

/** The hub answers the same whether or not the email had an account (so nobody learns who has one). */
export interface RegistrationAccepted {
  detail: string;
}

export function register(body: RegisterBody): Promise<RegistrationAccepted> {
  return sendJson<RegistrationAccepted>("POST", "/api/auth/register", body);
}

export function logout(): Promise<void> {
  return sendJson<void>("POST", "/api/auth/logout");
}
