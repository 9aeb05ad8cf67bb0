/** Staff roles and what each may do. Every route declares one permission from this list. */
export const ROLES = ['admin', 'supervisor', 'analyst', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'users:read',
  'users:write',
  'api_keys:manage',
  'diagnostics:run',
  'diagnostics:read',
  'customers:read',
  'customers:write',
  'pii:read',
  'customers:erase',
  'transactions:read',
  'transactions:write',
  'alerts:read',
  'alerts:write',
  'actions:write',
  'notifications:read',
  'notifications:write',
  /** Organisation-wide message templates: what every customer receives. */
  'templates:manage',
  /** Sending a notification marked critical, which goes past quiet hours and rate limits. */
  'notifications:critical',
  'rules:read',
  'rules:write',
  /** Customer interactions, sentiment, patterns and trends. */
  'insights:read',
  'insights:write',
  /** Bail bonds: clients, bonds, court dates, collateral, payments and the agents' tasks. */
  'bail:read',
  'bail:write',
  'workflows:admin',
  'encryption:manage',
  'audit:read',
  /** Opening encrypted Temporal payloads (notes, evidence, messages) through the codec endpoint. */
  'payloads:decode',
  /** The organisation's settings, such as the number its SMS come from and replies go to. */
  'organization:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'users:read',
  'diagnostics:read',
  'customers:read',
  'transactions:read',
  'alerts:read',
  'notifications:read',
  'rules:read',
  'insights:read',
  'bail:read',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  supervisor: new Set<Permission>([
    ...READ,
    'diagnostics:run',
    'customers:write',
    'pii:read',
    'customers:erase',
    'transactions:write',
    'alerts:write',
    'actions:write',
    'notifications:write',
    'templates:manage',
    'notifications:critical',
    'rules:write',
    'insights:write',
    'bail:write',
    'workflows:admin',
    'payloads:decode',
    'audit:read',
  ]),
  analyst: new Set<Permission>([
    ...READ,
    'customers:write',
    'transactions:write',
    'alerts:write',
    'actions:write',
    'insights:write',
  ]),
  agent: new Set<Permission>([...READ, 'alerts:write', 'actions:write', 'notifications:write', 'bail:write']),
  viewer: new Set<Permission>(READ),
};

export const can = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role].has(permission);

/**
 * What an API key may do: its role's permissions, no more than its owner's current role allows, and
 * within its scopes when it has them.
 */
export function keyPermissions(
  role: Role,
  ownerRole: Role | null,
  scopes: readonly Permission[] | null,
): ReadonlySet<Permission> {
  const owner = ownerRole ? ROLE_PERMISSIONS[ownerRole] : null;
  const scoped = scopes ? new Set(scopes) : null;
  return new Set(
    [...ROLE_PERMISSIONS[role]].filter((p) => (!owner || owner.has(p)) && (!scoped || scoped.has(p))),
  );
}

/** Whether a caller may: by its role, or by the narrower set an API key carries. */
export const allows = (
  principal: { role: Role; permissions?: ReadonlySet<Permission> | undefined },
  permission: Permission,
): boolean =>
  principal.permissions ? principal.permissions.has(permission) : can(principal.role, permission);
