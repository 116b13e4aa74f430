import type { ReactNode } from "react";
import { useMe } from "../../hooks/useAuth";
import { ErrorState } from "../Common/ErrorState";
import { Loading } from "../Common/Loading";
import { SignIn } from "./SignIn";

/** Shows the sign-in screen until the hub knows who we are. */
export function AuthGate({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading what="your account" />;
  if (me.isError) return <ErrorState what="your account" error={me.error} onRetry={() => void me.refetch()} />;
  if (me.data === null) return <SignIn />;
  return <>{children}</>;
}
