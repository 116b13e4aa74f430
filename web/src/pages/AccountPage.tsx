import { OPEN_ACCESS } from "../api/auth";
import { EmptyState } from "../components/Common/EmptyState";
import { useCurrentUser, useSignOut } from "../hooks/useAuth";
import { usePageTitle } from "../hooks/usePageTitle";

export function AccountPage() {
  usePageTitle("Your account");
  const user = useCurrentUser();
  const signOut = useSignOut();
  if (!user || user.id === OPEN_ACCESS.id) {
    return <EmptyState title="This hub has no accounts" />;
  }
  return (
    <div className="stack">
      <h1 className="page-title">Your account</h1>
      <dl className="card details">
        <div>
          <dt>Name</dt>
          <dd>{user.display_name || "—"}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{user.email}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{user.role}</dd>
        </div>
        <div>
          <dt>Community</dt>
          <dd>{user.community ?? "—"}</dd>
        </div>
        <div>
          <dt>Your sites</dt>
          <dd>{user.sites && user.sites.length > 0 ? user.sites.join(", ") : "None yet"}</dd>
        </div>
      </dl>
      <div>
        <button type="button" className="button button--ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </button>
      </div>
    </div>
  );
}
