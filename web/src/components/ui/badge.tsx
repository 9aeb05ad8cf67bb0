import type * as React from 'react';
import { cva, type VariantProps } from 'class-variance-authority';
import { cn } from '@/lib/utils';

const badgeVariants = cva('inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-semibold', {
  variants: {
    variant: {
      default: 'border-transparent bg-slate-900 text-white',
      outline: 'border-slate-300 text-slate-800',
      critical: 'border-transparent bg-red-700 text-white',
      high: 'border-transparent bg-orange-200 text-orange-950',
      medium: 'border-transparent bg-amber-100 text-amber-950',
      low: 'border-transparent bg-slate-100 text-slate-800',
      success: 'border-transparent bg-emerald-100 text-emerald-950',
    },
  },
  defaultVariants: { variant: 'default' },
});

export function Badge({
  className,
  variant,
  ...props
}: React.HTMLAttributes<HTMLSpanElement> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ variant }), className)} {...props} />;
}
