/**
 * Compile-time check that the hub's API (types generated from its OpenAPI schema by
 * scripts/generate-client.sh into hub.gen.ts) still fits what the dashboard reads.
 * If the hub renames or retypes a field we use, `npm run typecheck` fails here.
 */
import type { LoginResult, User } from "../api/auth";
import type { SiteSnapshot } from "../api/types";
import type { components } from "./hub.gen";

type Schemas = components["schemas"];

/** `true` only when every value of A can be used where the dashboard expects a B. */
type Fits<A, B> = [A] extends [B] ? true : false;

export const hubContract: {
  sites: Fits<Schemas["SiteLive"], SiteSnapshot>;
  me: Fits<Schemas["Me"], User>;
  login: Fits<Schemas["LoginResult"], LoginResult>;
} = { sites: true, me: true, login: true };
