/** Thin fetch wrapper: JSON in, typed errors out. A 404 means "this resource isn't there (yet)". */

export class ApiError extends Error {
  readonly status: number;
  /** Per-field messages from FastAPI-style `detail: [{loc: [..., field], msg}]`. */
  readonly fields: Record<string, string>;

  constructor(status: number, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fields = fields;
  }
}

/** The server answered 2xx but not with JSON (e.g. a static-file fallback serving index.html). */
export class NotJsonError extends Error {
  constructor(path: string) {
    super(`${path} did not answer with JSON`);
    this.name = "NotJsonError";
  }
}

interface FieldProblem {
  loc?: unknown;
  msg?: unknown;
}

/** Turn an error response into an ApiError with the hub's own wording when it gives one. */
async function toApiError(response: Response, path: string): Promise<ApiError> {
  let message = `${path} answered ${response.status}`;
  const fields: Record<string, string> = {};
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === "string") {
      message = body.detail;
    } else if (Array.isArray(body.detail)) {
      const problems = body.detail as FieldProblem[];
      for (const problem of problems) {
        const loc = Array.isArray(problem.loc) ? problem.loc : [];
        const field = loc.length > 0 ? String(loc[loc.length - 1]) : "";
        if (field && typeof problem.msg === "string") fields[field] = problem.msg;
      }
      const first = problems.find((p) => typeof p.msg === "string");
      if (first) message = String(first.msg);
    }
  } catch {
    // Not JSON: keep the generic message.
  }
  return new ApiError(response.status, message, fields);
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
