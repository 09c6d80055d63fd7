import { createHash } from 'node:crypto';
import {
  EVALUATION_EVENT_LABELS,
  EVALUATION_STATUSES,
  type EvaluationEventType,
  type EvaluationStatus,
  statusLabel,
  EVALUATION_METHODS,
  FUNDS_ROWS,
  FUNDS_COLUMN_LABELS,
  FUNDS_ROW_LABELS,
  HEADER_FIELD_LABELS,
  INDICATOR_FIELD_LABELS,
  FINDING_CODE_LABELS,
  FINDING_CODES,
  FINDING_SEVERITIES,
  FINDING_SEVERITY_LABELS,
  SUBMISSION_GAP_LABEL,
  type FindingCode,
  type FindingSeverity,
  LEVEL1_INDICATORS,
  ruleSets,
  type Grade,
  type RuleSet,
} from '#perf-eval/evaluation';
import { EVALUATION_ACCESS, EVALUATION_ACCESS_ACTIONS } from '#perf-eval/evaluation';
import { IDENTITY_ACCESS, REVIEW_STEP_LABELS, ROLE_LABELS, UNIT_SCOPE, type AccessPolicy, type ReviewStep, type Role } from '#perf-eval/identity';
import { NOTIFICATION_KIND_LABELS, NOTIFICATIONS_ACCESS, type NotificationKind } from '#perf-eval/notifications';
import { CYCLES_ACCESS } from '#perf-eval/cycles';
import { REPORTING_ACCESS } from '#perf-eval/reporting';

export interface RuleSetVocabulary {
  title: string;
  /** Weights travel as decimal strings, as amounts do. */
  budgetWeight: string;
  totalWeight: string;
  level1: string[];
  /** The standard split of the indicator weights (a unit may adjust it; a different split is an info finding). */
  level1Weights: Record<string, string>;
  level2: Record<string, string[]>;
  grades: { grade: Grade; min: number }[];
}

export interface Vocabulary {
  statuses: Record<EvaluationStatus, string>;
  roles: Record<Role, string>;
  /** The steps of a unit's review chain (单位审核, 主管部门审核), in chain order. */
  reviewSteps: Record<ReviewStep, string>;
  severities: Record<FindingSeverity, string>;
  /** The label of what a Draft still needs before it can be submitted (a view's `missing`), listed with the findings. */
  submissionGap: string;
  events: Record<EvaluationEventType, string>;
  notificationKinds: Record<NotificationKind, string>;
  headerFields: [string, string][];
  fundsRows: [string, string][];
  fundsColumns: [string, string][];
  indicatorFields: [string, string][];
  evaluationMethods: string[];
  ruleSets: Record<string, RuleSetVocabulary>;
  findingCodes: Record<FindingCode, { severity: FindingSeverity; label: string }>;
  /** The access tables, `<context>.<action>` → the roles that grant it and in which units: what the web app offers. */
  access: Record<string, Partial<Record<Role, string>>>;
  unitScope: Record<Role, string>;
}

/** Every context's table, as the web app reads it (it decides nothing of its own; the API checks again). */
export function accessVocabulary(): Vocabulary['access'] {
  const rows: [string, Partial<Record<Role, string>>][] = EVALUATION_ACCESS_ACTIONS.map((action) => [`evaluation.${action}`, { ...EVALUATION_ACCESS[action] }]);
  const policies: AccessPolicy[] = [IDENTITY_ACCESS, CYCLES_ACCESS, REPORTING_ACCESS, NOTIFICATIONS_ACCESS];
  for (const policy of policies) {
    for (const action of policy.actions) rows.push([`${policy.context}.${action}`, Object.fromEntries(policy.rolesFor(action).map((role) => [role, 'all units']))]);
  }
  return Object.fromEntries(rows);
}

/** The rule data the browser needs, read from the rule set itself: level-2 groups from its level2Parents. */
export function ruleSetVocabulary(ruleSet: RuleSet): RuleSetVocabulary {
  const level1 = LEVEL1_INDICATORS.filter((name) => name in ruleSet.level1Weights);
  const level2 = Object.fromEntries(level1.map((name) => [name, [] as string[]]));
  for (const [child, parent] of Object.entries(ruleSet.level2Parents)) (level2[parent] ??= []).push(child);
  return {
    title: ruleSet.title,
    budgetWeight: String(ruleSet.budgetWeight),
    totalWeight: String(ruleSet.totalWeight),
    level1: [...level1],
    level1Weights: Object.fromEntries(level1.map((name) => [name, String(ruleSet.level1Weights[name])])),
    level2,
    grades: ruleSet.grades.map(({ grade, min }) => ({ grade, min })),
  };
}

/** Every label and rule datum the web app shows, from the server's own modules (nothing is defined here). */
export function buildVocabulary(): Vocabulary {
  return {
    statuses: Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, statusLabel(s)])) as Record<EvaluationStatus, string>,
    roles: { ...ROLE_LABELS },
    reviewSteps: { ...REVIEW_STEP_LABELS },
    severities: { ...FINDING_SEVERITY_LABELS },
    submissionGap: SUBMISSION_GAP_LABEL,
    events: { ...EVALUATION_EVENT_LABELS },
    notificationKinds: { ...NOTIFICATION_KIND_LABELS },
    headerFields: Object.entries(HEADER_FIELD_LABELS),
    fundsRows: FUNDS_ROWS.map((row) => [row, FUNDS_ROW_LABELS[row]]),
    fundsColumns: Object.entries(FUNDS_COLUMN_LABELS),
    indicatorFields: Object.entries(INDICATOR_FIELD_LABELS),
    evaluationMethods: [...EVALUATION_METHODS],
    ruleSets: Object.fromEntries([...ruleSets.values()].map((r) => [r.id, ruleSetVocabulary(r)])),
    findingCodes: Object.fromEntries(FINDING_CODES.map((code) => [code, { severity: FINDING_SEVERITIES[code], label: FINDING_CODE_LABELS[code] }])) as Vocabulary['findingCodes'],
    access: accessVocabulary(),
    unitScope: { ...UNIT_SCOPE },
  };
}

/** The vocabulary serialised once per process, with a strong ETag of its bytes. */
export function vocabularyDocument(): { body: string; etag: string } {
  const body = JSON.stringify(buildVocabulary());
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}
