/** Said under one's own open orders: nothing matches them automatically yet. */
export function WaitingNote({ kind }: { kind: "request" | "offer" }) {
  return (
    <p className="list-item__meta note--inline">
      Orders aren't matched automatically yet: your {kind} stays listed for neighbours until you cancel it.
    </p>
  );
}
