import { isNonNegativeAmountInput, EVALUATION_METHODS } from '#perf-eval/evaluation';
import { isHundredths } from './hundredths.validator.js';

/**
 * A plain check of the self-evaluation form body (EvaluationFormDto / UpdateEvaluationDto), never more
 * permissive than their class-validator decorators: it answers true only for bodies those decorators
 * accept as they are (no unknown field, nothing for whitelisting to strip, nothing for class-transformer
 * to change but the class of the objects), and false for anything it is not sure of. On false the
 * ValidationPipe runs class-validator as before, which refuses with its field-by-field messages or
 * accepts what this check was too strict for.
 *
 * Why: class-validator + class-transformer cost ~150 µs per form of ~3 KB (most of the form's 100-odd
 * values pass through a dozen decorators each), a tenth of an edit's CPU. A differential test
 * (form-fast-check.spec.ts) runs both on thousands of valid and broken bodies.
 *
 * Lengths: class-validator's MaxLength counts code points (minus presentation selectors), never more
 * than String#length, so `length <= max` here is at least as strict.
 */

const TEXT = 4000;
const SHORT = 200;
const FORM_KEYS = new Set(['fiscalYear', 'unitId', 'projectName', 'competentDepartment', 'projectLead', 'contactPhone', 'evaluationMethod', 'funds', 'goals', 'indicators']);
const UPDATE_KEYS = new Set([...FORM_KEYS, 'expectedVersion']);
const FUNDS_KEYS = new Set(['total', 'currentYear', 'carryOver', 'other']);
const FUNDS_ROW_KEYS = new Set(['initialBudget', 'fullYearBudget', 'executed']);
const GOALS_KEYS = new Set(['expected', 'actual']);
const INDICATOR_KEYS = new Set(['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation']);
const METHODS: ReadonlySet<unknown> = new Set(EVALUATION_METHODS);

const absent = (v: unknown) => v === undefined || v === null;

/** A JSON object as body-parser makes it (an Object's prototype, of any realm), whose own keys are all in `allowed`. */
function plainWith(value: unknown, allowed: ReadonlySet<string>): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || Object.getPrototypeOf(proto) !== null) return false;
  for (const key of Object.keys(value)) if (!allowed.has(key)) return false;
  return true;
}

const text = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
const optionalText = (v: unknown, max: number) => absent(v) || text(v, max);
const integerIn = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
/** IsPoints: IsHundredths, Min(0), Max(100), optional. */
const optionalScore = (v: unknown) => absent(v) || (isHundredths(v) && v >= 0 && v <= 100);

function fundsRow(v: unknown): boolean {
  if (absent(v)) return true;
  if (!plainWith(v, FUNDS_ROW_KEYS)) return false;
  return (absent(v.initialBudget) || isNonNegativeAmountInput(v.initialBudget)) && (absent(v.fullYearBudget) || isNonNegativeAmountInput(v.fullYearBudget)) && (absent(v.executed) || isNonNegativeAmountInput(v.executed));
}

function indicator(v: unknown): boolean {
  if (!plainWith(v, INDICATOR_KEYS)) return false;
  return (
    text(v.level1, SHORT) &&
    text(v.level2, SHORT) &&
    text(v.name, TEXT) &&
    text(v.target, TEXT) &&
    text(v.actual, TEXT) &&
    optionalScore(v.weight) &&
    optionalScore(v.score) &&
    optionalText(v.deviation, TEXT)
  );
}

/** True only if class-validator would accept `body` as an EvaluationFormDto (or, with `update`, an UpdateEvaluationDto). */
export function isCertainlyValidForm(body: unknown, update: boolean): boolean {
  if (!plainWith(body, update ? UPDATE_KEYS : FORM_KEYS)) return false;
  if (update && !integerIn(body.expectedVersion, 1, Number.MAX_SAFE_INTEGER)) return false;
  // A unit id is rare in a body (and only matters on create): class-validator checks its UUID form.
  if (body.unitId !== undefined) return false;
  if (!integerIn(body.fiscalYear, 2000, 2100)) return false;
  for (const key of ['projectName', 'competentDepartment', 'projectLead', 'contactPhone'] as const) if (!optionalText(body[key], SHORT)) return false;
  if (!absent(body.evaluationMethod) && !METHODS.has(body.evaluationMethod)) return false;
  const { funds, goals, indicators } = body;
  if (!absent(funds)) {
    if (!plainWith(funds, FUNDS_KEYS)) return false;
    if (!fundsRow(funds.total) || !fundsRow(funds.currentYear) || !fundsRow(funds.carryOver) || !fundsRow(funds.other)) return false;
  }
  if (!absent(goals)) {
    if (!plainWith(goals, GOALS_KEYS) || !optionalText(goals.expected, TEXT) || !optionalText(goals.actual, TEXT)) return false;
  }
  if (!absent(indicators)) {
    if (!Array.isArray(indicators) || indicators.length > 300) return false;
    for (const row of indicators) if (!indicator(row)) return false;
  }
  return true;
}
