import { Injectable } from '@nestjs/common';
import { Directory } from '../../../../libs/identity/src/directory.js';
import type { AuthenticatedUser } from '../../../../libs/identity/src/roles.js';

const TTL_MS = Number(process.env.AUTH_CACHE_MS ?? 30_000);

/**
 * Who a token's subject is now: roles, units and whether the account is active come from the directory
 * (cached briefly), so that an admin's change takes effect within AUTH_CACHE_MS, not at token expiry.
 */
@Injectable()
export class CurrentUsers {
  private readonly cache = new Map<string, { user: AuthenticatedUser | null; until: number }>();

  constructor(private readonly directory: Directory) {}

  async get(id: string): Promise<AuthenticatedUser | null> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.user;
    const record = await this.directory.findUser(id);
    const user = record ? { id: record.id, username: record.username, displayName: record.displayName, roles: record.roles, unitIds: record.unitIds } : null;
    this.cache.set(id, { user, until: Date.now() + TTL_MS });
    if (this.cache.size > 50_000) this.cache.delete(this.cache.keys().next().value!);
    return user;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}
