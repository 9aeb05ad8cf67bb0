import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES } from '../../lib/roles.js';

describe('role permissions', () => {
  it('gives admins everything and viewers only reads', () => {
    for (const p of PERMISSIONS) expect(can('admin', p)).toBe(true);
    for (const p of PERMISSIONS)
      expect(can('viewer', p)).toBe(p.endsWith(':read') && p !== 'pii:read' && p !== 'audit:read');
  });

  it('keeps user and key management with admins', () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(can(role, 'users:write')).toBe(false);
      expect(can(role, 'api_keys:manage')).toBe(false);
    }
  });
});
