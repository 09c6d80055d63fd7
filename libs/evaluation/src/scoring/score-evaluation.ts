import { Decimal, isAmountInput, roundHalfUp } from '../domain/amount.js';
import {
  FUNDS_ROWS,
  type Amount,
  type EvaluationForm,
  type Funds,
  type FundsRow,
  type FundsRowKey,
  type IndicatorRow,
} from '../domain/evaluation-form.js';
import { createFinding, type Finding } from './finding.js';
import { areComparable, directionOf, parseIndicatorValue, type Direction } from './indicator-value.js';
import {
  LEVEL1_INDICATORS,
  NATIONAL_2020,
  isReverseLevel2,
  level1Of,
  level1OfLevel2,
  normalizeLabel,
  type Grade,
  type RuleSet,
} from './rule-set.js';

export { hasBlockingFindings } from './finding.js';

export interface EvaluationScores {
  /** 执行率 in percent, 2 decimals (16.54 means 16.54 %); null without a full-year budget and an executed figure. */
  executionRate: number | null;
  budgetScore: number | null;
  /** Σ of the indicator self-scores, 2 decimals. */
  indicatorScore: number;
  total: number | null;
  grade: Grade | null;
}

export type IndicatorKind = 'positive' | 'reverse' | 'qualitative';

export interface IndicatorAssessment {
  index: number;
  kind: IndicatorKind;
  /** What the rule gives a quantitative row, 2 decimals; null for qualitative rows or without a weight. */
  ruleScore: number | null;
  /** actual ÷ target as written, 4 decimals; null for qualitative rows or a zero target. */
  ratio: number | null;
  /** Level-1 after carry-forward: one of LEVEL1_INDICATORS, else the text as written, '' when none yet. */
  level1: string;
  /** Level-2 after carry-forward, whitespace removed. */
  level2: string;
}

export interface EvaluationScoring {
  scores: EvaluationScores;
  findings: Finding[];
  indicators: IndicatorAssessment[];
}

const HEADER_FIELDS = {
  projectName: '项目名称',
  competentDepartment: '主管部门',
  projectLead: '项目负责人',
  contactPhone: '联系电话',
  evaluationMethod: '评价方式',
} as const satisfies Partial<Record<keyof EvaluationForm, string>>;

const FUNDS_ROW_LABELS: Readonly<Record<FundsRowKey, string>> = {
  total: '年度资金总额',
  currentYear: '当年财政拨款',
  carryOver: '上年结转资金',
  other: '其他资金',
};

const FUNDS_COLUMNS = ['initialBudget', 'fullYearBudget', 'executed'] as const satisfies ReadonlyArray<keyof FundsRow>;
type FundsColumn = (typeof FUNDS_COLUMNS)[number];
const FUNDS_COLUMN_LABELS: Readonly<Record<FundsColumn, string>> = {
  initialBudget: '年初预算数',
  fullYearBudget: '全年预算数',
  executed: '全年执行数',
};

const SOURCE_ROWS = ['currentYear', 'carryOver', 'other'] as const satisfies ReadonlyArray<FundsRowKey>;

interface RowReading {
  row: IndicatorRow;
  index: number;
  level1: string;
  level2: string;
  weight: Decimal | null;
  score: Decimal | null;
  quantity: { direction: Direction; target: Decimal; actual: Decimal; ruleScore: Decimal | null } | null;
}

/**
 * Scores a form under a rule set and reports what disagrees with the rules. Pure: the same form
 * and rule set always give the same result, and declared figures are compared, never corrected.
 *
 * Blank level-1 / level-2 cells continue the group above them (Word merged cells come out blank
 * in the seed). A blank level-1 next to a level-2 that opens a new group takes that level-2's
 * parent from the rule set instead, since the seed leaves 社会效益指标 rows under a blank level-1.
 */
export function scoreEvaluation(form: EvaluationForm, ruleSet: RuleSet = NATIONAL_2020): EvaluationScoring {
  const indicators = form.indicators ?? [];
  const readings = readIndicators(indicators, ruleSet);

  const rate = executionRateOf(form.funds?.total ?? null);
  const ratePercent = rate === null ? null : roundHalfUp(rate.times(100));
  const budgetScore =
    rate === null ? null : roundHalfUp(new Decimal(ruleSet.budgetWeight).times(Decimal.max(0, Decimal.min(1, rate))));
  const indicatorScore = roundHalfUp(
    readings.reduce((sum, reading) => (reading.score === null ? sum : sum.plus(reading.score)), new Decimal(0)),
  );
  const total = budgetScore === null ? null : roundHalfUp(budgetScore.plus(indicatorScore));

  const findings = [
    ...requiredFieldFindings(form),
    ...weightTotalFindings(form, readings, ruleSet),
    ...readings.flatMap((reading) => indicatorFindings(reading, ruleSet)),
    ...fundingSourceFindings(form.funds),
    ...overExecutionFindings(form.funds),
    ...declaredFindings(form, { ratePercent, budgetScore, total }),
    ...level1WeightFindings(readings, ruleSet),
  ];

  return {
    scores: {
      executionRate: ratePercent === null ? null : ratePercent.toNumber(),
      budgetScore: budgetScore === null ? null : budgetScore.toNumber(),
      indicatorScore: indicatorScore.toNumber(),
      total: total === null ? null : total.toNumber(),
      grade: total === null ? null : gradeOf(total, ruleSet),
    },
    findings,
    indicators: readings.map(assessmentOf),
  };
}

function readIndicators(rows: readonly IndicatorRow[], ruleSet: RuleSet): RowReading[] {
  let level1 = '';
  let level2 = '';
  return rows.map((row, index) => {
    const ownLevel1 = normalizeLabel(row.level1 ?? '');
    const ownLevel2 = normalizeLabel(row.level2 ?? '');
    if (ownLevel1 !== '') {
      const next = level1Of(ownLevel1) ?? ownLevel1;
      if (next !== level1) level2 = '';
      level1 = next;
    } else if (ownLevel2 !== '') {
      level1 = level1OfLevel2(ruleSet, ownLevel2) ?? level1;
    }
    if (ownLevel2 !== '') level2 = ownLevel2;

    const weight = figureOf(row.weight);
    return { row, index, level1, level2, weight, score: figureOf(row.score), quantity: quantityOf(row, level2, weight, ruleSet) };
  });
}

function quantityOf(row: IndicatorRow, level2: string, weight: Decimal | null, ruleSet: RuleSet): RowReading['quantity'] {
  const target = parseIndicatorValue(row.target ?? '');
  const actual = parseIndicatorValue(row.actual ?? '');
  if (target.kind !== 'quantity' || actual.kind !== 'quantity' || !areComparable(target, actual)) return null;
  // An explicit "≤" / "不高于" in the target outranks the group's usual direction.
  const direction = directionOf(target.comparator) ?? (isReverseLevel2(ruleSet, level2) ? 'lower-is-better' : 'higher-is-better');
  const ruleScore = weight === null ? null : roundHalfUp(ruleScoreOf(direction, target.value, actual.value, weight));
  return { direction, target: target.value, actual: actual.value, ruleScore };
}

/** Strict comparators (">", "<") score like their inclusive forms: the national rule names only ≥ and ≤. */
function ruleScoreOf(direction: Direction, target: Decimal, actual: Decimal, weight: Decimal): Decimal {
  switch (direction) {
    case 'higher-is-better':
      return actual.gte(target) ? weight : weight.times(actual).div(target);
    case 'lower-is-better':
      return actual.lte(target) ? weight : weight.times(target).div(actual);
    default: {
      const unreachable: never = direction;
      return unreachable;
    }
  }
}

function assessmentOf(reading: RowReading): IndicatorAssessment {
  const { quantity } = reading;
  return {
    index: reading.index,
    kind: kindOf(quantity),
    ruleScore: quantity?.ruleScore?.toNumber() ?? null,
    ratio: quantity && !quantity.target.isZero() ? roundHalfUp(quantity.actual.div(quantity.target), 4).toNumber() : null,
    level1: reading.level1,
    level2: reading.level2,
  };
}

function kindOf(quantity: RowReading['quantity']): IndicatorKind {
  if (quantity === null) return 'qualitative';
  switch (quantity.direction) {
    case 'higher-is-better':
      return 'positive';
    case 'lower-is-better':
      return 'reverse';
    default: {
      const unreachable: never = quantity.direction;
      return unreachable;
    }
  }
}

function requiredFieldFindings(form: EvaluationForm): Finding[] {
  const findings: Finding[] = [];
  for (const [field, label] of Object.entries(HEADER_FIELDS)) {
    const value: unknown = form[field as keyof typeof HEADER_FIELDS];
    if (typeof value !== 'string' || value.trim() === '') {
      findings.push(createFinding('REQUIRED_FIELD_MISSING', field, `未填写${label}`));
    }
  }
  if (amountOf(form.funds?.total?.fullYearBudget) === null) {
    findings.push(createFinding('REQUIRED_FIELD_MISSING', 'funds.total.fullYearBudget', '未填写年度资金总额的全年预算数'));
  }
  if ((form.indicators ?? []).length === 0) {
    findings.push(createFinding('REQUIRED_FIELD_MISSING', 'indicators', '未填写任何绩效指标'));
  }
  return findings;
}

function weightTotalFindings(form: EvaluationForm, readings: readonly RowReading[], ruleSet: RuleSet): Finding[] {
  // Without indicators the missing-indicators finding already says everything.
  if (readings.length === 0) return [];
  const budgetWeight = new Decimal(form.declared?.budgetWeight ?? ruleSet.budgetWeight);
  const indicatorWeights = sumOf(readings.map((reading) => reading.weight));
  const total = budgetWeight.plus(indicatorWeights);
  if (total.eq(ruleSet.totalWeight)) return [];
  return [
    createFinding(
      'WEIGHT_TOTAL_NOT_100',
      'indicators',
      `预算执行分值 ${show(budgetWeight)} 加指标分值合计 ${show(indicatorWeights)} 为 ${show(total)}，应为 ${ruleSet.totalWeight}`,
    ),
  ];
}

function indicatorFindings(reading: RowReading, ruleSet: RuleSet): Finding[] {
  const { row, index, weight, score, quantity } = reading;
  const at = `indicators[${index}]`;
  const label = rowLabel(reading);
  const deviationBlank = (row.deviation ?? '').trim() === '';
  const findings: Finding[] = [];
  if (score === null) return findings;

  const outOfRange = score.lt(0) || (weight !== null && score.gt(weight));
  if (outOfRange) {
    const range = weight === null ? '不能为负数' : `应在 0 至 ${show(weight)} 之间`;
    findings.push(createFinding('SCORE_OUT_OF_RANGE', `${at}.score`, `${label}得分 ${show(score)} 超出范围，${range}`));
  }

  if (weight !== null && score.lt(weight) && deviationBlank) {
    findings.push(
      createFinding(
        'DEVIATION_ANALYSIS_MISSING',
        `${at}.deviation`,
        `${label}得分 ${show(score)} 低于分值 ${show(weight)}，未填写偏差原因分析及改进措施`,
      ),
    );
  }

  // An out-of-range score is reported once, not again against the band or the rule.
  if (outOfRange || weight === null) return findings;

  if (quantity === null) {
    const band = ruleSet.qualitativeBands.find((candidate) => normalizeLabel(row.actual ?? '').includes(candidate.marker));
    if (band) {
      const low = roundHalfUp(weight.times(band.min));
      const high = roundHalfUp(weight.times(band.max));
      if (score.lt(low) || score.gt(high)) {
        findings.push(
          createFinding(
            'QUALITATIVE_SCORE_OUTSIDE_BAND',
            `${at}.score`,
            `${label}实际完成值为“${band.label}”，得分应在 ${show(low)} 至 ${show(high)} 之间（分值 ${show(weight)} 的 ${percentOf(band.min)}–${percentOf(band.max)}），实得 ${show(score)}`,
          ),
        );
      }
    }
    return findings;
  }

  const overRatio = new Decimal(ruleSet.overAchievementRatio);
  if (
    quantity.direction === 'higher-is-better' &&
    quantity.target.gt(0) &&
    quantity.actual.gte(quantity.target.times(overRatio)) &&
    deviationBlank
  ) {
    findings.push(
      createFinding(
        'OVER_ACHIEVEMENT',
        `${at}.deviation`,
        `${label}实际完成值 ${show(quantity.actual)} 达到年度指标值 ${show(quantity.target)} 的 ${percentOf(overRatio.toNumber())} 以上，需说明指标值是否设定过低`,
      ),
    );
  }

  if (quantity.ruleScore !== null && score.gt(quantity.ruleScore)) {
    findings.push(
      createFinding(
        'SCORE_ABOVE_RULE',
        `${at}.score`,
        `${label}按评分规则应得 ${show(quantity.ruleScore)}（年度指标值 ${show(quantity.target)}，实际完成值 ${show(quantity.actual)}），自评得分 ${show(score)} 偏高`,
      ),
    );
  }
  return findings;
}

function fundingSourceFindings(funds: Funds | undefined): Finding[] {
  const total = funds?.total ?? null;
  const sources = SOURCE_ROWS.map((key) => funds?.[key] ?? null);
  if (!isFilled(total) || !sources.some(isFilled)) return [];
  const findings: Finding[] = [];
  for (const column of FUNDS_COLUMNS) {
    const declared = amountOf(total?.[column]) ?? new Decimal(0);
    const sum = sumOf(sources.map((row) => amountOf(row?.[column])));
    if (!declared.eq(sum)) {
      findings.push(
        createFinding(
          'FUNDING_SOURCES_MISMATCH',
          `funds.total.${column}`,
          `年度资金总额的${FUNDS_COLUMN_LABELS[column]} ${show(declared)} 万元不等于当年财政拨款、上年结转资金、其他资金之和 ${show(sum)} 万元`,
        ),
      );
    }
  }
  return findings;
}

function overExecutionFindings(funds: Funds | undefined): Finding[] {
  const findings: Finding[] = [];
  for (const key of FUNDS_ROWS) {
    const budget = amountOf(funds?.[key]?.fullYearBudget);
    const executed = amountOf(funds?.[key]?.executed);
    if (budget !== null && executed !== null && executed.gt(budget)) {
      findings.push(
        createFinding(
          'OVER_EXECUTION',
          `funds.${key}.executed`,
          `${FUNDS_ROW_LABELS[key]}的全年执行数 ${show(executed)} 万元超过全年预算数 ${show(budget)} 万元`,
        ),
      );
    }
  }
  return findings;
}

function declaredFindings(
  form: EvaluationForm,
  computed: { ratePercent: Decimal | null; budgetScore: Decimal | null; total: Decimal | null },
): Finding[] {
  const declared = form.declared;
  if (!declared) return [];
  const findings: Finding[] = [];

  if (computed.total !== null) {
    const totals = [
      ['total', declared.total, '总分'],
      ['summarySelfScore', declared.summarySelfScore, '明细表自评得分'],
    ] as const;
    for (const [field, value, label] of totals) {
      const figure = figureOf(value);
      if (figure !== null && !roundHalfUp(figure).eq(computed.total)) {
        findings.push(
          createFinding(
            'DECLARED_TOTAL_MISMATCH',
            `declared.${field}`,
            `申报的${label} ${show(figure)} 与计算总分 ${show(computed.total)} 不一致`,
          ),
        );
      }
    }
  }

  const declaredRate = (declared.executionRate ?? '').trim();
  if (computed.ratePercent !== null && declaredRate !== '') {
    const parsed = parseIndicatorValue(declaredRate);
    const readable = parsed.kind === 'quantity' && parsed.percent && parsed.comparator === null;
    if (!readable) {
      findings.push(
        createFinding(
          'DECLARED_RATE_MISMATCH',
          'declared.executionRate',
          `申报的执行率“${declaredRate}”不是百分数，无法核对；计算执行率为 ${show(computed.ratePercent)}%`,
        ),
      );
    } else if (!roundHalfUp(parsed.value).eq(computed.ratePercent)) {
      findings.push(
        createFinding(
          'DECLARED_RATE_MISMATCH',
          'declared.executionRate',
          `申报的执行率 ${declaredRate} 与计算执行率 ${show(computed.ratePercent)}% 不一致`,
        ),
      );
    }
  }

  const declaredBudgetScore = figureOf(declared.budgetScore);
  if (computed.budgetScore !== null && declaredBudgetScore !== null && !roundHalfUp(declaredBudgetScore).eq(computed.budgetScore)) {
    findings.push(
      createFinding(
        'DECLARED_BUDGET_SCORE_MISMATCH',
        'declared.budgetScore',
        `申报的预算执行得分 ${show(declaredBudgetScore)} 与计算得分 ${show(computed.budgetScore)} 不一致`,
      ),
    );
  }
  return findings;
}

function level1WeightFindings(readings: readonly RowReading[], ruleSet: RuleSet): Finding[] {
  if (readings.length === 0) return [];
  const sums = new Map<string, Decimal>(LEVEL1_INDICATORS.map((name) => [name, new Decimal(0)]));
  for (const reading of readings) {
    const key = reading.level1 === '' ? '未标明一级指标' : reading.level1;
    sums.set(key, (sums.get(key) ?? new Decimal(0)).plus(reading.weight ?? 0));
  }
  const standard = LEVEL1_INDICATORS.every((name) => sums.get(name)?.eq(ruleSet.level1Weights[name]));
  const others = [...sums].filter(([key, sum]) => !(LEVEL1_INDICATORS as readonly string[]).includes(key) && !sum.isZero());
  if (standard && others.length === 0) return [];
  const actual = [...sums]
    .filter(([key, sum]) => (LEVEL1_INDICATORS as readonly string[]).includes(key) || !sum.isZero())
    .map(([key, sum]) => `${key} ${show(sum)}`)
    .join('、');
  const expected = LEVEL1_INDICATORS.map((name) => `${name} ${ruleSet.level1Weights[name]}`).join('、');
  return [createFinding('LEVEL1_WEIGHTS_NONSTANDARD', 'indicators', `一级指标分值为${actual}，标准分配为${expected}`)];
}

function executionRateOf(total: FundsRow | null): Decimal | null {
  const budget = amountOf(total?.fullYearBudget);
  const executed = amountOf(total?.executed);
  if (budget === null || executed === null || budget.lte(0)) return null;
  return executed.div(budget);
}

function gradeOf(total: Decimal, ruleSet: RuleSet): Grade | null {
  const bands = [...ruleSet.grades].sort((a, b) => b.min - a.min);
  // The lowest band is open below: a negative total (negative self-scores) is still 差, not ungraded.
  return (bands.find((band) => total.gte(band.min)) ?? bands[bands.length - 1])?.grade ?? null;
}

function amountOf(amount: Amount | null | undefined): Decimal | null {
  if (amount === null || amount === undefined || !isAmountInput(amount)) return null;
  return new Decimal(amount.trim());
}

function figureOf(value: number | null | undefined): Decimal | null {
  return typeof value === 'number' && Number.isFinite(value) ? new Decimal(value) : null;
}

function isFilled(row: FundsRow | null): boolean {
  return row !== null && FUNDS_COLUMNS.some((column) => amountOf(row[column]) !== null);
}

function sumOf(values: ReadonlyArray<Decimal | null>): Decimal {
  return values.reduce<Decimal>((sum, value) => (value === null ? sum : sum.plus(value)), new Decimal(0));
}

function rowLabel(reading: RowReading): string {
  const name = normalizeLabel(reading.row.name ?? '');
  return name === '' ? `第 ${reading.index + 1} 行指标` : `第 ${reading.index + 1} 行指标“${name}”`;
}

function show(value: Decimal): string {
  return value.toFixed();
}

function percentOf(fraction: number): string {
  return `${new Decimal(fraction).times(100).toFixed()}%`;
}
