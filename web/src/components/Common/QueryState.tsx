/** Loading / error / empty handling shared by every list page. */
import type { ReactNode } from "react";
import type { ListQuery } from "../../hooks/useList";
import { EmptyState } from "./EmptyState";
import { ErrorState } from "./ErrorState";
import { Loading } from "./Loading";

interface Props<T> {
  query: ListQuery<T>;
  what: string;
  empty: string;
  emptyHint?: ReactNode;
  children: (items: T[]) => ReactNode;
}

export function QueryState<T>({ query, what, empty, emptyHint, children }: Props<T>) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) return <ErrorState what={what} error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data ?? [];
  if (items.length === 0) return <EmptyState title={empty}>{emptyHint}</EmptyState>;
  return <>{children(items)}</>;
}
