import { Decimal } from './amount.js';
import { FUNDS_ROWS, type EvaluationForm, type IndicatorRow } from './evaluation-form.js';
import { describeFormPath, FUNDS_COLUMN_LABELS, GOAL_LABELS, HEADER_FIELD_LABELS, INDICATOR_FIELD_LABELS, parseFormPath, type IndicatorField } from './form-path.js';
import { normalizeLabel, type RuleSet } from '../scoring/rule-set.js';
import { scoreEvaluation } from '../scoring/score-evaluation.js';

/**
 * What changed between two versions of a form (自上次审核以来的修改): for a reviewer looking at a
 * resubmitted form. Paths are those of form-path.ts and labelled by it.
 */

export type FieldValue = string | number | null;

export interface FieldChange {
  path: string;
  /** The path in words, as the form and the paper name it: 项目资金·年度资金总额·全年执行数. */
  label: string;
  before: FieldValue;
  after: FieldValue;
}

export type RowChangeKind = 'added' | 'removed' | 'changed';

export interface RowChange {
  /** The row's index in the newer form; for a removed row, in the older. */
  index: number;
  /** The row's index in the older form (null for an added row): what a comment on the older form named it. */
  previousIndex: number | null;
  change: RowChangeKind;
  /** The fields that differ; of an added or removed row, the fields it has (the other side null). */
  fields: FieldChange[];
}

export interface FormChanges {
  fields: FieldChange[];
  rows: RowChange[];
}

const HEADER_FIELDS = Object.keys(HEADER_FIELD_LABELS) as (keyof typeof HEADER_FIELD_LABELS)[];
const FUNDS_COLUMNS = Object.keys(FUNDS_COLUMN_LABELS) as (keyof typeof FUNDS_COLUMN_LABELS)[];
const GOAL_FIELDS = Object.keys(GOAL_LABELS) as (keyof typeof GOAL_LABELS)[];
const INDICATOR_FIELDS = Object.keys(INDICATOR_FIELD_LABELS) as IndicatorField[];
const NUMERIC_INDICATOR_FIELDS: ReadonlySet<IndicatorField> = new Set(['weight', 'score']);

/**
 * The changes from `before` to `after`: every header field, funds cell and goal that differs, and the
 * indicator rows added, removed or changed. Amounts and figures compare as decimals ("30" = "30.000000").
 *
 * Rows are matched by what they are — their 一级/二级 group (blank merged cells continue the group above,
 * as scoring reads them) and their 三级指标 name — in order (a longest common subsequence), so a row
 * inserted in the middle shows as one added row, not every later row as changed. Rows between two
 * matched ones are paired by position (a renamed row is a changed row); what is left over is added or
 * removed. A row's 一级/二级 compare as their groups, so moving a merged label to an inserted row above
 * does not change the row below.
 */
export function formChanges(before: EvaluationForm, after: EvaluationForm, ruleSet?: RuleSet): FormChanges {
  const fields: FieldChange[] = [];
  const push = (path: string, was: FieldValue, now: FieldValue, same: (a: FieldValue, b: FieldValue) => boolean) => {
    if (!same(was, now)) fields.push({ path, label: describeFormPath(path), before: was, after: now });
  };
  for (const key of HEADER_FIELDS) push(key, before[key] ?? null, after[key] ?? null, key === 'fiscalYear' ? sameFigure : sameText);
  for (const row of FUNDS_ROWS) {
    for (const column of FUNDS_COLUMNS) push(`funds.${row}.${column}`, before.funds?.[row]?.[column] ?? null, after.funds?.[row]?.[column] ?? null, sameFigure);
  }
  for (const key of GOAL_FIELDS) push(`goals.${key}`, before.goals?.[key] ?? null, after.goals?.[key] ?? null, sameText);
  return { fields, rows: rowChanges(readRows(before, 'before', ruleSet), readRows(after, 'after', ruleSet)) };
}

/**
 * Whether what a reviewer's comment aimed at (a path of the older form, or null for the whole form) changed:
 * the field, any cell of a block, or the row (matched as formChanges matches it, so a row that only moved
 * did not change). Declared figures are not the drafter's and never count as changed.
 */
export function targetChanged(changes: FormChanges, target: string | null): boolean {
  if (target === null) return changes.fields.length > 0 || changes.rows.length > 0;
  const path = parseFormPath(target);
  if (path === null) return false;
  const fieldUnder = (prefix: string) => changes.fields.some((f) => f.path.startsWith(prefix));
  switch (path.kind) {
    case 'header':
      return changes.fields.some((f) => f.path === path.field);
    case 'funds':
      return fieldUnder(path.row === null ? 'funds.' : path.column === null ? `funds.${path.row}.` : `funds.${path.row}.${path.column}`);
    case 'goals':
      return fieldUnder(path.field === null ? 'goals.' : `goals.${path.field}`);
    case 'indicators': {
      if (path.index === null) return changes.rows.length > 0;
      const row = changes.rows.find((r) => r.previousIndex === path.index);
      if (!row) return false;
      return path.field === null || row.change === 'removed' || row.fields.some((f) => f.path.endsWith(`.${path.field}`));
    }
    case 'declared':
      return false;
    default: {
      const never: never = path;
      throw new Error(`Unknown form path: ${JSON.stringify(never)}`);
    }
  }
}

interface RowReading {
  row: IndicatorRow;
  /** The row as it reads: its group after carry-forward, the rest as written. */
  values: Record<IndicatorField, FieldValue>;
  identity: string;
}

/** `side`: which form of the two, so that a row without a name has an identity no row of the other form has. */
function readRows(form: EvaluationForm, side: 'before' | 'after', ruleSet?: RuleSet): RowReading[] {
  const rows = form.indicators ?? [];
  const groups = scoreEvaluation(form, ruleSet).indicators;
  return rows.map((row, i) => {
    const level1 = groups[i]?.level1 ?? normalizeLabel(row.level1 ?? '');
    const level2 = groups[i]?.level2 ?? normalizeLabel(row.level2 ?? '');
    const values: Record<IndicatorField, FieldValue> = {
      level1,
      level2,
      name: row.name ?? '',
      target: row.target ?? '',
      actual: row.actual ?? '',
      weight: row.weight ?? null,
      score: row.score ?? null,
      deviation: row.deviation ?? '',
    };
    const name = normalizeLabel(row.name ?? '');
    // A row without its 三级指标 name is no row anyone can recognise: matched by position only (two blank rows of a
    // group would otherwise be "the same row", and a comment on one would move to a row added after it).
    return { row, values, identity: name === '' ? `\u0001${side}${i}` : `${level1}\u0000${level2}\u0000${name}` };
  });
}

function rowChanges(before: RowReading[], after: RowReading[]): RowChange[] {
  const changes: RowChange[] = [];
  for (const [i, j] of rowPairs(before, after)) {
    if (i !== null && j !== null) compared(changes, before[i], i, after[j], j);
    else if (i !== null) changes.push(oneSided('removed', before[i], i));
    else if (j !== null) changes.push(oneSided('added', after[j], j));
  }
  return changes;
}

/**
 * The rows of `before` and `after` paired, in the newer form's order: [i, j] the same row (moved, changed or
 * not), [i, null] removed, [null, j] added. Rows with the same labels in the same order are the same row (a
 * longest common subsequence); a row moved past others is found again by its labels; the rows left between
 * two matched ones are paired by position (a renamed row is a changed row), the rest removed or added.
 */
function rowPairs(before: RowReading[], after: RowReading[]): [number | null, number | null][] {
  const anchors = commonRows(before, after);
  const anchoredBefore = new Set(anchors.map(([i]) => i));
  const anchoredAfter = new Set(anchors.map(([, j]) => j));
  // Moved past others: the same labels out of order, before any pairing by position.
  const free = after.map((_, j) => j).filter((j) => !anchoredAfter.has(j));
  const movedTo = new Map<number, number>();
  for (let i = 0; i < before.length; i++) {
    if (anchoredBefore.has(i)) continue;
    const at = free.findIndex((j) => after[j].identity === before[i].identity);
    if (at >= 0) movedTo.set(i, free.splice(at, 1)[0]);
  }
  const movedFrom = new Map([...movedTo].map(([i, j]) => [j, i]));
  const pairs: [number | null, number | null][] = [];
  let i = 0;
  let j = 0;
  for (const [anchorBefore, anchorAfter] of [...anchors, [before.length, after.length] as const]) {
    const gapBefore: number[] = [];
    for (; i < anchorBefore; i++) if (!movedTo.has(i)) gapBefore.push(i);
    const gapAfter: number[] = [];
    for (; j < anchorAfter; j++) {
      if (movedFrom.has(j)) pairs.push([movedFrom.get(j)!, j]);
      else gapAfter.push(j);
    }
    const paired = Math.min(gapBefore.length, gapAfter.length);
    for (let k = 0; k < paired; k++) pairs.push([gapBefore[k], gapAfter[k]]);
    for (const b of gapBefore.slice(paired)) pairs.push([b, null]);
    for (const a of gapAfter.slice(paired)) pairs.push([null, a]);
    if (anchorBefore < before.length) {
      pairs.push([anchorBefore, anchorAfter]);
      i = anchorBefore + 1;
      j = anchorAfter + 1;
    }
  }
  return pairs;
}

/**
 * Where each indicator row of `before` went in `after` (its index, or null when it was removed), matched as
 * formChanges matches rows; null when the form has the same rows in the same places. What points at a row
 * (a comment, an evidence file, a 核查分) follows it with this (row-moves.ts).
 */
export function rowMoves(before: EvaluationForm, after: EvaluationForm, ruleSet?: RuleSet): (number | null)[] | null {
  const was = before.indicators ?? [];
  const now = after.indicators ?? [];
  if (was.length === now.length && was.every((row, i) => sameRowLabels(row, now[i]))) return null;
  const moves: (number | null)[] = was.map(() => null);
  for (const [i, j] of rowPairs(readRows(before, 'before', ruleSet), readRows(after, 'after', ruleSet))) if (i !== null) moves[i] = j;
  // Rows only added at the end still change what a complete 核查分 covers: recorded too.
  return was.length === now.length && moves.every((j, i) => j === i) ? null : moves;
}

/** Same 一级/二级/三级 labels as written: a row that kept its place (the cheap test before any matching). */
function sameRowLabels(a: IndicatorRow, b: IndicatorRow): boolean {
  return a.level1 === b.level1 && a.level2 === b.level2 && a.name === b.name;
}

function compared(changes: RowChange[], was: RowReading, previousIndex: number, now: RowReading, index: number): void {
  const fields: FieldChange[] = [];
  for (const field of INDICATOR_FIELDS) {
    const same = NUMERIC_INDICATOR_FIELDS.has(field) ? sameFigure : sameText;
    if (!same(was.values[field], now.values[field])) {
      const path = `indicators[${index}].${field}`;
      fields.push({ path, label: describeFormPath(path), before: was.values[field], after: now.values[field] });
    }
  }
  if (fields.length > 0) changes.push({ index, previousIndex, change: 'changed', fields });
}

function oneSided(change: 'added' | 'removed', reading: RowReading, index: number): RowChange {
  const fields = INDICATOR_FIELDS.filter((field) => !isBlank(reading.values[field])).map((field) => {
    const path = `indicators[${index}].${field}`;
    const value = reading.values[field];
    return { path, label: describeFormPath(path), before: change === 'removed' ? value : null, after: change === 'added' ? value : null };
  });
  return { index, previousIndex: change === 'removed' ? index : null, change, fields };
}

/** The index pairs of the longest common subsequence of the rows' identities, in order. */
function commonRows(before: RowReading[], after: RowReading[]): (readonly [number, number])[] {
  const n = before.length;
  const m = after.length;
  // lengths[i * (m + 1) + j]: the longest common subsequence of before[i..] and after[j..].
  const lengths = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[at(i, j)] = before[i].identity === after[j].identity ? lengths[at(i + 1, j + 1)] + 1 : Math.max(lengths[at(i + 1, j)], lengths[at(i, j + 1)]);
    }
  }
  const pairs: (readonly [number, number])[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i].identity === after[j].identity) pairs.push([i++, j++] as const);
    else if (lengths[at(i + 1, j)] >= lengths[at(i, j + 1)]) i++;
    else j++;
  }
  return pairs;
}

function isBlank(value: FieldValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

function sameText(a: FieldValue, b: FieldValue): boolean {
  return (a ?? '') === (b ?? '');
}

/** Amounts, weights, scores and the year: equal as decimals ("30" = "30.000000" = 30); blank is not zero. */
function sameFigure(a: FieldValue, b: FieldValue): boolean {
  if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
  try {
    return new Decimal(String(a).trim()).eq(new Decimal(String(b).trim()));
  } catch {
    return String(a) === String(b);
  }
}
