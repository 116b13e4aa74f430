export interface Stat {
  label: string;
  value: string;
  testId?: string;
}

export function StatGrid({ stats, label }: { stats: Stat[]; label: string }) {
  return (
    <dl className="stats" aria-label={label}>
      {stats.map((stat) => (
        <div key={stat.label} className="card stat">
          <dt>{stat.label}</dt>
          <dd data-testid={stat.testId}>{stat.value}</dd>
        </div>
      ))}
    </dl>
  );
}
