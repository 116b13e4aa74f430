export function ErrorState({ what, error, onRetry }: { what: string; error: unknown; onRetry?: () => void }) {
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <p className="error__title">Couldn't load {what}.</p>
      <p className="error__detail">{detail}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
