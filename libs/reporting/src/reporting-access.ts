import { rolePolicy } from '#perf-eval/identity';

export const REPORTING_ACTIONS = ['fiscal-years.list', 'summary.read', 'summary.export', 'publication.download', 'board.read'] as const;
export type ReportingAction = (typeof REPORTING_ACTIONS)[number];

/**
 * The summary table (明细表) and its exports are everyone's, within the units they see (identity's unit scope,
 * applied by the queries); the publication pack and the board are the managers' and admins'.
 */
export const REPORTING_ACCESS = rolePolicy<ReportingAction>('reporting', {
  'fiscal-years.list': 'signed-in',
  'summary.read': 'signed-in',
  'summary.export': 'signed-in',
  'publication.download': ['manager', 'admin'],
  'board.read': ['manager', 'admin'],
});
