/** Thin fetch wrapper: JSON in, typed errors out. A 404 means "this resource isn't there (yet)". */
import type { components } from "../client/hub.gen";

type ErrorBody = components["schemas"]["ErrorBody"];

/**
 * One thing the hub refused (docs/api.md, "Errors"): its code (the hub's own or pydantic's), the
 * values its text mentions, and the hub's English text, shown when the code has no translation.
 */
export interface ErrorProblem {
  /** The body, query or path field it concerns; absent for a refusal about no one field. */
  field?: string;
  code: string;
  params: Record<string, unknown>;
  text: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** Every problem the body names, in its order; at least one. */
  readonly problems: ErrorProblem[];
  /** The hub's English text per field (the last part of `loc`). */
  readonly fields: Record<string, string>;

  constructor(status: number, problems: ErrorProblem[]) {
    super(problems[0]?.text ?? `the hub answered ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problems = problems.length > 0 ? problems : [{ code: "http_error", params: {}, text: this.message }];
    this.fields = Object.fromEntries(this.problems.filter((p) => p.field).map((p) => [p.field, p.text]));
  }

  /** The first problem: the one to show when there is room for one. */
  get problem(): ErrorProblem {
    return this.problems[0] as ErrorProblem;
  }

  /** The problem of each field, the first where one field has several. */
  get fieldProblems(): Record<string, ErrorProblem> {
    const out: Record<string, ErrorProblem> = {};
    for (const problem of this.problems) if (problem.field && !(problem.field in out)) out[problem.field] = problem;
    return out;
  }
}

/** The server answered 2xx but not with JSON (e.g. a static-file fallback serving index.html). */
export class NotJsonError extends Error {
  constructor(path: string) {
    super(`${path} did not answer with JSON`);
    this.name = "NotJsonError";
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The problems an error body names (none when it is not one of the hub's). */
export function errorProblems(body: unknown): ErrorProblem[] {
  const { detail, code, ctx } = record(body) as Partial<ErrorBody>;
  // A text without a code (a hub older than its codes) is shown as it is: code "".
  if (typeof detail === "string") return [{ code: typeof code === "string" ? code : "", params: record(ctx), text: detail }];
  if (!Array.isArray(detail)) return [];
  return detail.flatMap((item): ErrorProblem[] => {
    const problem = record(item);
    if (typeof problem.msg !== "string") return [];
    const loc = Array.isArray(problem.loc) ? problem.loc : [];
    // ["body", "field"], ["query", "end"]; a loc of only ["body"] is about the body as a whole.
    const field = loc.length > 1 ? String(loc[loc.length - 1]) : undefined;
    const type = typeof problem.type === "string" && problem.type ? problem.type : "value_error";
    return [{ ...(field ? { field } : {}), code: type, params: record(problem.ctx), text: problem.msg }];
  });
}

/** Turn an error response into an ApiError with the hub's code and wording when it gives them. */
async function toApiError(response: Response, path: string): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: only the status is known.
  }
  const problems = errorProblems(body);
  if (problems.length === 0) {
    const code = response.status === 404 ? "not_found" : response.status >= 500 ? "hub_failed" : "http_error";
    problems.push({ code, params: {}, text: `${path} answered ${response.status}` });
  }
  return new ApiError(response.status, problems);
}

async function readJson<T>(response: Response, path: string): Promise<T> {
  if (!response.ok) throw await toApiError(response, path);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) throw new NotJsonError(path);
  return (await response.json()) as T;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    signal,
  });
  return readJson<T>(response, path);
}

export async function sendJson<T>(method: "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readJson<T>(response, path);
}

/** True when an error means "the hub has no such endpoint yet" rather than "something broke". */
export function isMissingEndpoint(error: unknown): boolean {
  if (error instanceof NotJsonError) return true;
  return error instanceof ApiError && (error.status === 404 || error.status === 405 || error.status === 501);
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/**
 * Like getJson, but an endpoint that doesn't exist yet yields `null`,
 * so pages can show an honest empty state instead of an error.
 */
export async function getJsonOrNull<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  try {
    return await getJson<T>(path, signal);
  } catch (error) {
    if (isMissingEndpoint(error)) return null;
    throw error;
  }
}
