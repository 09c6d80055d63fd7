import { createHash } from 'node:crypto';
import { DomainError } from '#perf-eval/errors';
/**
 * Scoring rules as versioned data: a province or a later year gets its own RuleSet with its own id,
 * and a stored evaluation keeps the id it was scored under, so old forms never re-score silently.
 */
export const LEVEL1_INDICATORS = ['产出指标', '效益指标', '满意度指标'] as const;
export type Level1Indicator = (typeof LEVEL1_INDICATORS)[number];

export type Grade = '优' | '良' | '中' | '差';

export interface QualitativeBand {
  label: string;
  /** Text that, found in a qualitative actual, says the row claims this band. */
  marker: string;
  /** Fractions of the row's weight, both ends inclusive. */
  min: number;
  max: number;
}

export interface GradeBand {
  grade: Grade;
  min: number;
}

export interface RuleSet {
  id: string;
  title: string;
  budgetWeight: number;
  totalWeight: number;
  level1Weights: Readonly<Record<Level1Indicator, number>>;
  /**
   * Which level-1 a level-2 belongs to (matched by prefix, whitespace ignored). Used when the
   * level-1 cell of a row is blank but its level-2 cell starts a new group, as in the seed where
   * 社会效益指标 rows sit under a blank level-1 cell.
   */
  level2Parents: Readonly<Record<string, Level1Indicator>>;
  /** Level-2 groups where lower is better (matched by prefix, whitespace ignored). */
  reverseLevel2: readonly string[];
  overAchievementRatio: number;
  /** Ordered worst first: a negated claim (未达成…) contains the positive marker too. */
  qualitativeBands: readonly QualitativeBand[];
  /** Ordered best first; the first band whose min the total reaches is the grade. */
  grades: readonly GradeBand[];
}

export const NATIONAL_2020: RuleSet = deepFreeze({
  id: 'national-2020',
  title: '项目支出绩效自评（财政部 2020 年通用规则）',
  budgetWeight: 10,
  totalWeight: 100,
  level1Weights: { 产出指标: 50, 效益指标: 30, 满意度指标: 10 },
  level2Parents: {
    数量指标: '产出指标',
    质量指标: '产出指标',
    时效指标: '产出指标',
    成本指标: '产出指标',
    经济效益指标: '效益指标',
    社会效益指标: '效益指标',
    生态效益指标: '效益指标',
    可持续影响指标: '效益指标',
    服务对象满意度指标: '满意度指标',
  },
  reverseLevel2: ['成本指标'],
  overAchievementRatio: 1.2,
  qualitativeBands: [
    { label: '未达成且效果较差', marker: '未达成', min: 0, max: 0.6 },
    { label: '部分达成并具有一定效果', marker: '部分达成', min: 0.6, max: 0.8 },
    { label: '达成年度指标', marker: '达成年度指标', min: 0.8, max: 1 },
  ],
  grades: [
    { grade: '优', min: 90 },
    { grade: '良', min: 80 },
    { grade: '中', min: 60 },
    { grade: '差', min: 0 },
  ],
});

export const ruleSets: ReadonlyMap<string, RuleSet> = new Map([[NATIONAL_2020.id, NATIONAL_2020]]);

export class UnknownRuleSetError extends DomainError {
  readonly code = 'UNKNOWN_RULE_SET';
  constructor(readonly ruleSetId: string) {
    super(`未知的评分规则：${ruleSetId}`);
  }
}

export function ruleSetById(id: string): RuleSet {
  const ruleSet = ruleSets.get(id);
  if (!ruleSet) throw new UnknownRuleSetError(id);
  return ruleSet;
}

/** Loose name matching: imported cells break lines inside words ("满意度\n指标") and drop characters ("服务对象满意度标"). */
export function normalizeLabel(text: string): string {
  return text.replace(/[\s\u3000]+/g, '');
}

/** "成本指标" matches "成本指标", "成本\n指标", "成本" — the stem before 指标 decides. */
export function labelMatches(text: string, name: string): boolean {
  const stem = normalizeLabel(name).replace(/指标$/, '');
  return stem.length > 0 && normalizeLabel(text).startsWith(stem);
}

export function level1Of(text: string): Level1Indicator | null {
  return LEVEL1_INDICATORS.find((name) => labelMatches(text, name)) ?? null;
}

export function level1OfLevel2(ruleSet: RuleSet, level2: string): Level1Indicator | null {
  const parent = Object.entries(ruleSet.level2Parents).find(([name]) => labelMatches(level2, name));
  return parent ? parent[1] : null;
}

export function isReverseLevel2(ruleSet: RuleSet, level2: string): boolean {
  return ruleSet.reverseLevel2.some((name) => labelMatches(level2, name));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const versions = new WeakMap<RuleSet, string>();

/**
 * The version of a rule set's data: its id and a digest of everything it says. Scorings record it, so
 * that when a deployment changes the rules, the forms scored under the old data are found and rescored.
 */
export function ruleSetVersion(ruleSet: RuleSet): string {
  const known = versions.get(ruleSet);
  if (known) return known;
  const version = `${ruleSet.id}#${createHash('sha256').update(JSON.stringify(ruleSet)).digest('hex').slice(0, 12)}`;
  // Every command that changes a form records it: a frozen rule set cannot change, so its digest is kept.
  if (Object.isFrozen(ruleSet)) versions.set(ruleSet, version);
  return version;
}
