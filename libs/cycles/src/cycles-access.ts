import { rolePolicy } from '#perf-eval/identity';

export const CYCLE_ACTIONS = ['cycles.list', 'cycles.create', 'cycles.update', 'cycles.recompute', 'recompute-runs.view'] as const;
export type CycleAction = (typeof CYCLE_ACTIONS)[number];

/** Managers run the cycles (deadlines, bulk recompute); admins may follow a recompute run; everyone reads the deadlines. */
export const CYCLES_ACCESS = rolePolicy<CycleAction>('cycles', {
  'cycles.list': 'signed-in',
  'cycles.create': ['manager'],
  'cycles.update': ['manager'],
  'cycles.recompute': ['manager'],
  'recompute-runs.view': ['manager', 'admin'],
});
