import { Link } from "wouter";
import { EmptyState } from "../components/Common/EmptyState";
import { usePageTitle } from "../hooks/usePageTitle";

export function NotFoundPage() {
  usePageTitle("Page not found");
  return (
    <EmptyState title="Page not found">
      <p>
        <Link href="/">Back to live energy</Link>
      </p>
    </EmptyState>
  );
}
