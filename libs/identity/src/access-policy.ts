import { ROLES, type AuthenticatedUser, type Role } from './roles.js';

/**
 * Who may do what in one context: one row per action, the roles that grant it. `signed-in` opens an action
 * to every signed-in person, whatever their roles. A `Record` over the context's action union: an action
 * without a row does not compile.
 */
export type RoleTable<A extends string> = { readonly [K in A]: readonly Role[] | 'signed-in' };

/** A context's access policy: its table, and the one function that reads it. The API's guard reads any of them. */
export interface AccessPolicy<A extends string = string> {
  readonly context: string;
  readonly actions: readonly A[];
  /** The roles that grant `action` (every role for a `signed-in` row): what a refusal names. */
  rolesFor(action: A): readonly Role[];
  may(user: AuthenticatedUser, action: A): boolean;
}

export function rolePolicy<A extends string>(context: string, table: RoleTable<A>): AccessPolicy<A> {
  const actions = Object.keys(table) as A[];
  return {
    context,
    actions,
    rolesFor: (action) => {
      const row = table[action];
      return row === 'signed-in' ? ROLES : row;
    },
    may: (user, action) => {
      const row = table[action];
      return row === 'signed-in' || row.some((role) => user.roles.includes(role));
    },
  };
}
