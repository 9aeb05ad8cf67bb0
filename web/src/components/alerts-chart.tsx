import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Schemas } from '@/lib/api';

/** Alerts raised per day, stacked by priority, with the day's resolutions as a line (Recharts, loaded on demand). */
export default function AlertsChart({ days }: { days: Schemas['AlertMetrics']['days'] }) {
  const data = days.map((d) => ({ ...d, label: d.day.slice(5) }));
  return (
    <div
      role="img"
      aria-label="Alerts raised per day by priority, and resolved per day"
      className="h-64 w-full"
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 12, fill: '#475569' }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: '#475569' }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="critical" stackId="raised" fill="#b91c1c" name="Critical" />
          <Bar dataKey="high" stackId="raised" fill="#ea580c" name="High" />
          <Bar dataKey="medium" stackId="raised" fill="#d97706" name="Medium" />
          <Bar dataKey="low" stackId="raised" fill="#94a3b8" name="Low" />
          <Line dataKey="resolved" stroke="#0369a1" strokeWidth={2} dot={false} name="Resolved" />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
