import { useCommunities } from "./useCommunities";
import { useCurrentUser } from "./useAuth";

/**
 * The time zone of a community's calendar (IANA name), by default the caller's: the community
 * named, else the caller's own, else the only one they see. Undefined until the hub says.
 */
export function useCommunityTimeZone(community?: string | null): string | undefined {
  const communities = useCommunities();
  const user = useCurrentUser();
  const list = communities.data ?? [];
  const wanted = community ?? user?.community;
  return (list.find((c) => c.id === wanted) ?? (list.length === 1 ? list[0] : undefined))?.timezone;
}
