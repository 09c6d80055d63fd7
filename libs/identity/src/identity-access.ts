import { rolePolicy } from './access-policy.js';

/** What the identity context (units, departments, users) and the system's operation (queues, failed jobs) let people do. */
export const IDENTITY_ACTIONS = [
  'units.list',
  'units.create',
  'units.update',
  'departments.list',
  'departments.create',
  'users.list',
  'users.create',
  'users.update',
  'queues.view',
  'failed-jobs.view',
] as const;
export type IdentityAction = (typeof IDENTITY_ACTIONS)[number];

/**
 * Admins run units (their department and review chain), departments, users and the queues; everyone signed in
 * reads the unit and department lists (forms name their unit, the review chain its department).
 */
export const IDENTITY_ACCESS = rolePolicy<IdentityAction>('identity', {
  'units.list': 'signed-in',
  'units.create': ['admin'],
  'units.update': ['admin'],
  'departments.list': 'signed-in',
  'departments.create': ['admin'],
  'users.list': ['admin'],
  'users.create': ['admin'],
  'users.update': ['admin'],
  'queues.view': ['admin'],
  'failed-jobs.view': ['admin'],
});
