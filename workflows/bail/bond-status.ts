/** A bond's life: written (pending), posted (active), then exonerated, forfeited or cancelled. */
export const BOND_STATUSES = ['pending', 'active', 'completed', 'forfeited', 'cancelled'] as const;
export type BondStatus = (typeof BOND_STATUSES)[number];

const NEXT: Record<BondStatus, readonly BondStatus[]> = {
  pending: ['active', 'cancelled'],
  active: ['completed', 'forfeited', 'cancelled'],
  completed: [],
  forfeited: [],
  cancelled: [],
};

/** The one place a bond's status change is allowed or refused. */
export const canTransition = (from: BondStatus, to: BondStatus): boolean => NEXT[from].includes(to);

/** Bonds whose court dates still matter: reminders go to them and a missed date is pursued. */
export const isOpen = (status: BondStatus): boolean => status === 'pending' || status === 'active';

export const APPEARANCE_STATUSES = ['scheduled', 'appeared', 'missed', 'rescheduled', 'cancelled'] as const;
export type AppearanceStatus = (typeof APPEARANCE_STATUSES)[number];
export const APPEARANCE_OUTCOMES = ['appeared', 'missed'] as const;
export type AppearanceOutcome = (typeof APPEARANCE_OUTCOMES)[number];
