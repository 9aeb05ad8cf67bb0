import { useEffect, useMemo, useRef } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Badge } from '@/components/ui/badge';
import { client, unwrap, type Schemas } from '@/lib/api';
import { dateTime, money } from '@/lib/utils';

type Transaction = Schemas['Transaction'];
const col = createColumnHelper<Transaction>();
const columns = [
  col.accessor('transaction_date', { header: 'When', cell: (c) => dateTime(c.getValue()), size: 180 }),
  col.accessor((t) => t.merchant_name ?? t.transaction_type, {
    id: 'merchant',
    header: 'Merchant',
    size: 240,
  }),
  col.accessor('channel', { header: 'Channel', cell: (c) => c.getValue().replaceAll('_', ' '), size: 140 }),
  col.accessor('status', { header: 'Status', size: 110 }),
  col.accessor('risk_level', {
    header: 'Risk',
    cell: (c) => {
      const v = c.getValue();
      return v ? (
        <Badge variant={v === 'high' ? 'critical' : v === 'medium' ? 'medium' : 'low'}>{v}</Badge>
      ) : (
        '—'
      );
    },
    size: 90,
  }),
  col.accessor((t) => money(t.amount, t.currency), { id: 'amount', header: 'Amount', size: 120 }),
];
const ROW = 36;

/** A customer's transactions, newest first: keyset pages of 100 loaded as the virtualised table scrolls. */
export function TransactionsTable({ customerId }: { customerId: string }) {
  const q = useInfiniteQuery({
    queryKey: ['customers', customerId, 'transactions'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/transactions', {
          params: { query: { customer_id: customerId, limit: 100, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) =>
      last.pagination.has_next ? (last.pagination.next_cursor ?? undefined) : undefined,
  });
  const data = useMemo(() => q.data?.pages.flatMap((p) => p.data) ?? [], [q.data]);
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel() });
  const rows = table.getRowModel().rows;
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 20 && q.hasNextPage && !q.isFetchingNextPage)
      void q.fetchNextPage();
  }, [items, rows.length, q]);
  if (q.isError) return <p className="text-sm text-red-700">{q.error.message}</p>;
  if (q.data && !rows.length) return <p className="text-sm text-slate-600">No transactions</p>;
  const before = items[0]?.start ?? 0;
  const after = virtual.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div ref={parent} className="max-h-96 overflow-auto" tabIndex={0} role="region" aria-label="Transactions">
      <table className="w-full table-fixed text-sm">
        <thead className="sticky top-0 bg-white text-left text-xs text-slate-600">
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <th key={h.id} style={{ width: h.getSize() }} className="py-1 pr-2 font-medium">
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden>
              <td style={{ height: before }} colSpan={columns.length} />
            </tr>
          )}
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <tr
                key={row.id}
                className="border-t border-slate-100"
                style={{ height: ROW }}
                data-testid="transaction-row"
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="truncate pr-2">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            );
          })}
          {after > 0 && (
            <tr aria-hidden>
              <td style={{ height: after }} colSpan={columns.length} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
