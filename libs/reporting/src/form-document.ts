/**
 * The 项目支出绩效自评表 as the official paper lays it out, for Word and PDF (paper-document.ts
 * renders both): title and year, the header block, the funds table with 执行率 and 得分, the goals,
 * the indicator table with merged 一级/二级指标 cells, 总分 and 等级, 填报日期 and the signature lines.
 * Pure: the form, its scores and the unit's name in, the layout out. Figures are the system's own
 * (as in form.xlsx); amounts are written exactly as stored.
 *
 * The publication variant (what a unit posts on its website) leaves out personal contact data: the
 * 联系电话 cell, and phone numbers or e-mail addresses written anywhere in the texts.
 */
import { Decimal } from 'decimal.js';
import {
  FUNDS_ROWS,
  type EvaluationForm,
  type FundsRowKey,
  FUNDS_COLUMN_LABELS,
  FUNDS_ROW_LABELS,
  INDICATOR_FIELD_LABELS,
  NATIONAL_2020,
  type RuleSet,
} from '#perf-eval/evaluation';
import type { EvaluationScores } from '#perf-eval/evaluation';
import { indicatorSpans } from './form-workbook.js';
import { paperDocx, paperPdf, type PaperCell, type PaperDocument } from './paper-document.js';

export const FORM_TITLE = '项目支出绩效自评表';

export interface FormDocumentInput {
  form: EvaluationForm;
  scores: EvaluationScores;
  unitName: string;
  /** 填报日期: when the form was submitted (or published); blank lines for a form never submitted. */
  filledAt?: string | Date | null;
  /** The publication variant: no 联系电话, no phone numbers or e-mail addresses in the texts. */
  publication?: boolean;
  ruleSet?: RuleSet;
}

/**
 * One grid for the whole table, fine enough for each block to get the widths it needs:
 * indicators 绩效指标 g0 | 一级 g1 | 二级 g2 | 三级 g3-4 | 指标值 g5-6 | 完成值 g7-8 | 分值 g9 | 得分 g10 | 偏差 g11-12;
 * funds 项目资金 g0-1 | row g2-3 | 年初 g4-5 | 全年 g6-7 | 执行 g8-9 | 分值 g10 | 执行率 g11 | 得分 g12;
 * header label g0-1 | value g2-7 | label g8 | value g9-12.
 */
const COLUMNS = [4, 7, 8, 8, 4, 7, 4, 12, 15, 5, 6, 11, 9];
const WITHHELD = '（不公开）';

export function formPaperDocument(input: FormDocumentInput): PaperDocument {
  const ruleSet = input.ruleSet ?? NATIONAL_2020;
  const form = input.publication ? publicationCopy(input.form) : input.form;
  const { scores } = input;
  const c = (text: string | number | null | undefined, span = 1, options: Partial<PaperCell> = {}): PaperCell => ({
    text: text === null || text === undefined ? '' : String(text),
    span,
    ...options,
  });
  const label = (text: string, span = 1, options: Partial<PaperCell> = {}) => c(text, span, { align: 'center', ...options });
  const right = (text: string | number | null | undefined, span = 1) => c(text, span, { align: 'right' });

  const fundsRow = (key: FundsRowKey): PaperCell[] => {
    const row = form.funds?.[key] ?? null;
    const isTotal = key === 'total';
    return [
      c('', 2, { merge: 'continue' }),
      c(key === 'currentYear' ? `其中：${FUNDS_ROW_LABELS[key]}` : FUNDS_ROW_LABELS[key], 2),
      right(row?.initialBudget, 2),
      right(row?.fullYearBudget, 2),
      right(row?.executed, 2),
      isTotal ? right(ruleSet.budgetWeight) : label('—'),
      isTotal ? right(scores.executionRate === null ? '' : `${new Decimal(scores.executionRate).toFixed(2)}%`) : c(''),
      isTotal ? right(scores.budgetScore === null ? '' : new Decimal(scores.budgetScore).toFixed(2)) : label('—'),
    ];
  };

  const indicators = form.indicators ?? [];
  const spans = indicatorSpans(indicators, ruleSet);
  const mergeOf = (list: { start: number; end: number }[], index: number): PaperCell['merge'] => {
    const span = list.find((s) => s.start <= index && index <= s.end)!;
    if (span.start === span.end) return undefined;
    return span.start === index ? 'restart' : 'continue';
  };
  const labelOf = (list: { start: number; end: number }[], index: number, key: 'level1' | 'level2'): string => {
    const span = list.find((s) => s.start <= index && index <= s.end)!;
    return span.start === index ? (indicators[index]![key] ?? '') : '';
  };
  const weightSum = indicators.reduce((sum, row) => sum.plus(row.weight ?? 0), new Decimal(ruleSet.budgetWeight));
  const indicatorRows: PaperCell[][] = indicators.map((row, index) => [
    c('', 1, { merge: 'continue' }),
    label(labelOf(spans.level1, index, 'level1'), 1, { merge: mergeOf(spans.level1, index) }),
    label(labelOf(spans.level2, index, 'level2'), 1, { merge: mergeOf(spans.level2, index) }),
    c(row.name, 2),
    c(row.target, 2),
    c(row.actual, 2),
    right(figure(row.weight)),
    right(figure(row.score)),
    c(row.deviation, 2),
  ]);
  const declaredTotal = form.declared?.total;
  const declaredNote =
    declaredTotal !== null && declaredTotal !== undefined && scores.total !== null && !new Decimal(declaredTotal).eq(scores.total)
      ? `（原表申报总分 ${figure(declaredTotal)}）`
      : '';

  const rows: PaperCell[][] = [
    [label('项目名称', 2), c(form.projectName, 6), label('评价方式'), c(form.evaluationMethod, 4)],
    [label('主管部门', 2), c(form.competentDepartment, 6), label('实施单位'), c(input.unitName, 4)],
    [label('项目负责人', 2), c(form.projectLead, 6), label('联系电话'), c(input.publication ? WITHHELD : form.contactPhone, 4)],
    [
      label('项目资金\n（万元）', 2, { merge: 'restart' }),
      c('', 2),
      ...Object.values(FUNDS_COLUMN_LABELS).map((text) => label(text, 2)),
      label('分值'),
      label('执行率'),
      label('得分'),
    ],
    ...FUNDS_ROWS.map(fundsRow),
    [label('年度总体目标', 2, { merge: 'restart' }), label('预期目标', 6), label('实际完成情况', 5)],
    [c('', 2, { merge: 'continue' }), c(form.goals?.expected ?? '', 6), c(form.goals?.actual ?? '', 5)],
    [
      label('绩\n效\n指\n标', 1, indicators.length > 0 ? { merge: 'restart' } : {}),
      ...Object.values(INDICATOR_FIELD_LABELS).map((text, index) => label(text, [1, 1, 2, 2, 2, 1, 1, 2][index])),
    ],
    ...indicatorRows,
    [label('总分', 9, { bold: true }), right(figure(weightSum.toNumber())), c(figure(scores.total), 1, { align: 'right', bold: true }), c(declaredNote, 2)],
    [label('等级', 9, { bold: true }), c(scores.grade ?? '—', 4, { bold: true })],
  ];

  return {
    title: `${form.projectName || FORM_TITLE}-${FORM_TITLE}`,
    orientation: 'portrait',
    blocks: [
      { kind: 'title', text: FORM_TITLE, size: 18, bold: true },
      { kind: 'title', text: `（${form.fiscalYear}年度）`, size: 12 },
      { kind: 'table', columns: COLUMNS, rows, fontSize: 8.5 },
      { kind: 'text', text: `填报日期：${beijingDate(input.filledAt ?? null)}`, spaceBefore: 6 },
      { kind: 'text', text: '填报人（签字）：＿＿＿＿＿　审核人（签字）：＿＿＿＿＿　单位负责人（签字并盖章）：＿＿＿＿＿', spaceBefore: 10 },
    ],
  };
}

export function formDocx(input: FormDocumentInput): Promise<Buffer> {
  return paperDocx(formPaperDocument(input));
}

export function formPdf(input: FormDocumentInput): Promise<Buffer> {
  return paperPdf(formPaperDocument(input));
}

/** A copy of the form for the public: 联系电话 withheld, phone numbers and e-mail addresses in its texts masked. */
export function publicationCopy(form: EvaluationForm): EvaluationForm {
  const mask = (text: string | null | undefined) => maskContacts(text ?? '', form.contactPhone);
  return {
    ...form,
    contactPhone: '',
    projectName: mask(form.projectName),
    projectLead: mask(form.projectLead),
    competentDepartment: mask(form.competentDepartment),
    goals: { expected: mask(form.goals?.expected), actual: mask(form.goals?.actual) },
    indicators: (form.indicators ?? []).map((row) => ({
      ...row,
      level1: mask(row.level1),
      level2: mask(row.level2),
      name: mask(row.name),
      target: mask(row.target),
      actual: mask(row.actual),
      deviation: mask(row.deviation),
    })),
  };
}

const MASK = '［已隐去］';
/** Mainland mobile numbers, landlines with an area code, 400/800 numbers, e-mail addresses. */
const CONTACT_PATTERNS = [
  /(?<![0-9０-９])(?:\+?86[-\s]?)?1[3-9][0-9](?:[-\s]?[0-9]{4}){2}(?![0-9０-９])/g,
  /(?<![0-9０-９])(?:\(0[0-9]{2,3}\)|（0[0-9]{2,3}）|0[0-9]{2,3}[-－—\s])[0-9]{7,8}(?![0-9０-９])/g,
  /(?<![0-9０-９])[48]00[-\s]?[0-9]{3}[-\s]?[0-9]{4}(?![0-9０-９])/g,
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
];

export function maskContacts(text: string, ownPhone?: string | null): string {
  let masked = text;
  const phone = (ownPhone ?? '').trim();
  // The form's own phone, wherever it was written again (a landline has no pattern of its own).
  if (phone.length >= 5) masked = masked.split(phone).join(MASK);
  for (const pattern of CONTACT_PATTERNS) masked = masked.replace(pattern, MASK);
  return masked;
}

function figure(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** 2021年12月31日 in Beijing time; blank lines when there is no date. */
export function beijingDate(value: string | Date | null): string {
  if (!value) return '＿＿＿＿年＿＿月＿＿日';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '＿＿＿＿年＿＿月＿＿日';
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}年${part('month')}月${part('day')}日`;
}
