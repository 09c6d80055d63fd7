/**
 * The front door of libs/cycles (`#perf-eval/cycles`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export {
  APPLICABLE_CYCLE_COLUMNS,
  APPLICABLE_CYCLE_JOINS,
  type ApplicableCycleColumns,
  type ApplicableDeadline,
  OPEN_CYCLE_BY_YEAR_CTE,
  overdueSql,
  toApplicableDeadline,
} from './applicable-cycle.js';
export { type Cycle, CyclesStore } from './cycles.store.js';
export { durationMs } from './iso-duration.js';
export { RecomputeCycleCommand } from './recompute-cycle.command.js';
export { type RecomputeJob, RecomputeRuns } from './recompute-runs.js';
export { CHANGED_FORMS_MARGIN_MS, dueNotices, reminderScanScope, type EvaluationProgress, type ReminderScanScope } from './reminder-policy.js';
export { YEAR_CYCLES } from './year-cycles.js';
export { CycleRecomputeModule } from './cycle-recompute.module.js';
export { CyclesModule } from './cycles.module.js';
export { CycleNotFoundError } from './cycle.js';
export { CYCLE_ACTIONS, type CycleAction, CYCLES_ACCESS } from './cycles-access.js';
