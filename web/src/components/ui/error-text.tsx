import { cn } from '@/lib/utils';

/** An error the API (or the page) gave, announced to screen readers; nothing when there is none. */
export function ErrorText({
  error,
  className,
}: {
  error: Error | string | null | undefined;
  className?: string;
}) {
  if (!error) return null;
  return (
    <p role="alert" className={cn('text-sm text-red-700', className)}>
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}
