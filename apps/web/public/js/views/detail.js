import { api, download, session } from '../api.js';
import {
  h, clear, loading, modal, confirmDialog, toast, statusBadge, gradeBadge, fmtScore, fmtAmount, fmtDateTime, fmtDate, placeOf, hashOf,
  FUNDS_ROWS, FUNDS_COLUMNS, HEADER_FIELDS, INDICATOR_FIELDS, EVALUATION_METHODS, EVENT_LABELS, SEVERITY_LABELS, yearOptions, ruleSetOf,
  deadlineCell, REVIEW_STEP_LABELS, LABELS,
} from '../dom.js';
import { findingList, missingItems, showError } from '../errors.js';
import { reassignDialog, reviewCard, verificationCard, verifiedScoresFieldset, withdrawDialog } from './review.js';
import { renderChanges } from './changes.js';
import { attachmentsSection, attachmentEventDetails } from './attachments.js';

const AMOUNT_RE = /^-?\d+(\.\d{1,6})?$/;
const SCORE_RE = /^-?\d+(\.\d{1,2})?$/;

let unitsCache = null;
async function units() {
  if (!unitsCache) unitsCache = api.get('/units').catch(() => []);
  return unitsCache;
}

function emptyForm(fiscalYear) {
  const row = () => ({ initialBudget: null, fullYearBudget: null, executed: null });
  return {
    fiscalYear,
    projectName: '',
    competentDepartment: '',
    projectLead: '',
    contactPhone: '',
    evaluationMethod: '单位自评',
    funds: { total: row(), currentYear: row(), carryOver: row(), other: row() },
    goals: { expected: '', actual: '' },
    indicators: [],
  };
}

function blankIndicator(prev, rules) {
  const level1 = prev ? '' : rules.level1[0] ?? '';
  return { level1, level2: prev ? '' : rules.level2[level1]?.[0] ?? '', name: '', target: '', actual: '', weight: null, score: null, deviation: '' };
}

/** A label as the paper printed it: merged Word cells break words over lines and repeat them. */
function cleanLabel(text) {
  const words = String(text ?? '').split(/\s+/).filter(Boolean);
  const unique = words.filter((w, i) => w !== words[i - 1]);
  return unique.join('');
}

/**
 * The 一级/二级 group each row belongs to, as the paper's merged cells mean it: a blank cell continues the
 * group above; a 二级指标 that the rule set places under another 一级指标 starts that group.
 */
export function indicatorGroups(rows, rules) {
  const parentOf = new Map();
  for (const [l1, l2s] of Object.entries(rules.level2 ?? {})) for (const l2 of l2s) parentOf.set(l2, l1);
  let l1 = '';
  let l2 = '';
  return rows.map((r) => {
    const own1 = cleanLabel(r.level1);
    const own2 = cleanLabel(r.level2);
    if (own2) l2 = own2;
    const implied = own2 ? parentOf.get(own2) : undefined;
    const next1 = own1 || (implied && implied !== l1 ? implied : l1);
    if (next1 !== l1 && !own2) l2 = '';
    l1 = next1;
    if (own2) l2 = own2;
    return { level1: l1, level2: l2, ownLevel1: own1, ownLevel2: own2 };
  });
}

/** The editable working copy: amounts stay strings, weights/scores stay text until saved. */
function toDraft(form) {
  const funds = {};
  for (const [key] of FUNDS_ROWS) {
    const row = form.funds?.[key] ?? null;
    funds[key] = Object.fromEntries(FUNDS_COLUMNS.map(([col]) => [col, row?.[col] ?? '']));
  }
  return {
    fiscalYear: form.fiscalYear,
    projectName: form.projectName ?? '',
    competentDepartment: form.competentDepartment ?? '',
    projectLead: form.projectLead ?? '',
    contactPhone: form.contactPhone ?? '',
    evaluationMethod: form.evaluationMethod || '单位自评',
    funds,
    goals: { expected: form.goals?.expected ?? '', actual: form.goals?.actual ?? '' },
    indicators: (form.indicators ?? []).map((r) => ({
      ...r,
      weight: r.weight === null || r.weight === undefined ? '' : String(r.weight),
      score: r.score === null || r.score === undefined ? '' : String(r.score),
      deviation: r.deviation ?? '',
    })),
  };
}

/** Draft → request body (only the fields the API accepts). Returns {body, invalid: [paths]}. */
function toBody(draft) {
  const invalid = [];
  const funds = {};
  for (const [key] of FUNDS_ROWS) {
    const row = {};
    let any = false;
    for (const [col] of FUNDS_COLUMNS) {
      const v = normalizeNumber(draft.funds[key][col]);
      if (v === '') row[col] = null;
      else {
        if (!AMOUNT_RE.test(v)) invalid.push(`funds.${key}.${col}`);
        row[col] = v; // amounts travel as strings, exactly as typed
        any = true;
      }
    }
    funds[key] = any ? row : null;
  }
  const indicators = draft.indicators.map((r, i) => {
    const num = (field) => {
      const v = normalizeNumber(r[field]);
      if (v === '') return null;
      if (!SCORE_RE.test(v)) {
        invalid.push(`indicators[${i}].${field}`);
        return null;
      }
      return Number(v);
    };
    return { level1: r.level1 ?? '', level2: r.level2 ?? '', name: r.name ?? '', target: r.target ?? '', actual: r.actual ?? '', weight: num('weight'), score: num('score'), deviation: r.deviation ?? '' };
  });
  return {
    invalid,
    body: {
      fiscalYear: Number(draft.fiscalYear),
      projectName: draft.projectName,
      competentDepartment: draft.competentDepartment,
      projectLead: draft.projectLead,
      contactPhone: draft.contactPhone,
      evaluationMethod: draft.evaluationMethod,
      funds,
      goals: { expected: draft.goals.expected, actual: draft.goals.actual },
      indicators,
    },
  };
}

/** Full-width digits and punctuation as people type them in Chinese IMEs. */
function normalizeNumber(value) {
  return String(value ?? '')
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .replace(/[－]/g, '-')
    .replace(/,/g, '');
}

/** Σ of 2-decimal numbers in integer hundredths, so the footer never shows 89.99999. */
function sumHundredths(values) {
  let cents = 0;
  let any = false;
  for (const v of values) {
    const s = normalizeNumber(v);
    if (!SCORE_RE.test(s)) continue;
    any = true;
    const [int, frac = ''] = s.replace('-', '').split('.');
    const n = Number(int) * 100 + Number((frac + '00').slice(0, 2));
    cents += s.startsWith('-') ? -n : n;
  }
  if (!any) return '—';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
export async function renderNew(ctx) {
  const { main } = ctx;
  if (!session.may('evaluation.create')) {
    clear(main).append(h('div.empty', '只有填报人可以新建自评表。'));
    return;
  }
  const unitList = await units();
  if (!ctx.isCurrent()) return;
  const user = session.user;
  const myUnits = unitList.filter((u) => user.unitIds?.includes(u.id));
  const draft = toDraft(emptyForm(new Date().getFullYear() - 1));
  if (myUnits.length === 1 && myUnits[0].competentDepartment) draft.competentDepartment = myUnits[0].competentDepartment;
  draft.indicators.push(blankIndicator(null, ruleSetOf()));
  const state = { draft, dirty: false, unitId: myUnits[0]?.id ?? user.unitIds?.[0] ?? '' };
  ctx.setBeforeLeave(() => !state.dirty);

  const unitSelect = h('select', { onchange: (e) => { state.unitId = e.target.value; const u = myUnits.find((x) => x.id === state.unitId); if (u?.competentDepartment && !state.draft.competentDepartment) state.draft.competentDepartment = u.competentDepartment; } },
    (myUnits.length ? myUnits : (user.unitIds ?? []).map((id) => ({ id, name: id }))).map((u) => h('option', { value: u.id }, u.name)));
  const saveBtn = h('button.btn.btn-primary', { type: 'button' }, '保存草稿');
  saveBtn.addEventListener('click', async () => {
    const { body, invalid } = toBody(state.draft);
    if (invalid.length) return reportInvalid(invalid);
    if (!body.projectName.trim()) {
      toast('请填写项目名称', 'error');
      highlight('projectName');
      return;
    }
    saveBtn.disabled = true;
    try {
      const ref = await api.post('/evaluations', { ...body, ...(state.unitId ? { unitId: state.unitId } : {}) });
      state.dirty = false;
      toast('已创建草稿', 'success');
      ctx.navigate(`#/evaluations/${ref.id}`);
    } catch (err) {
      showError(err, { onPickFinding: (f) => highlight(f.path) });
    } finally {
      saveBtn.disabled = false;
    }
  });

  clear(main).append(
    h('div.page-head',
      h('div', h('div.crumbs', h('a', { href: '#/evaluations' }, '自评表列表'), ' / 新建'), h('h1', '新建项目支出绩效自评表')),
      h('div.page-actions', h('a.btn', { href: '#/evaluations' }, '取消'), saveBtn)),
    h('div.notice', '填写后点击“保存草稿”。保存后系统会计算执行率、得分和等级，并列出需要处理的问题。'),
    ...(myUnits.length > 1 || !myUnits.length ? [h('div.card', h('label.field.field-inline', h('span.field-label', '实施单位'), unitSelect))] : []),
    formSections({ draft: state.draft, editable: true, isNew: true, unitName: myUnits.find((u) => u.id === state.unitId)?.name ?? '', onChange: () => { state.dirty = true; } }),
  );
}

// ---------------------------------------------------------------------------------------------
export async function renderDetail(ctx, id) {
  const { main, params } = ctx;
  const revision = params.get('revision') ? Number(params.get('revision')) : undefined;
  const tab = params.get('tab') === 'history' ? 'history' : 'form';
  clear(main).append(loading());
  const [view, unitList] = await Promise.all([api.get(`/evaluations/${encodeURIComponent(id)}`, { revision }), units()]);
  if (!ctx.isCurrent()) return;
  view.findings ??= [];

  const editable = view.allowedActions.includes('edit') && revision === undefined;
  const state = { view, draft: toDraft(view.form), dirty: false };
  ctx.setBeforeLeave(() => !state.dirty);
  const reload = () => {
    document.querySelectorAll('dialog.modal').forEach((d) => { d.close(); d.remove(); });
    state.dirty = false;
    renderDetail(ctx, id);
  };
  const unitName = unitList.find((u) => u.id === view.form.unitId)?.name ?? '';
  const isArchive = revision !== undefined && revision !== view.revision;

  // --- actions --------------------------------------------------------------------------------
  const saveBtn = editable ? h('button.btn.btn-primary', { type: 'button', disabled: true }, '保存') : null;
  const dirtyNote = h('span.dirty-note', { hidden: true }, '有未保存的修改');
  const markDirty = () => {
    state.dirty = true;
    if (saveBtn) saveBtn.disabled = false;
    dirtyNote.hidden = false;
    scoreCard.classList.add('stale');
  };

  async function save({ quiet = false } = {}) {
    const { body, invalid } = toBody(state.draft);
    if (invalid.length) {
      reportInvalid(invalid);
      return null;
    }
    saveBtn.disabled = true;
    try {
      const ref = await api.put(`/evaluations/${id}`, { ...body, expectedVersion: state.view.version });
      state.dirty = false;
      state.view.version = ref.version;
      if (!quiet) toast('已保存', 'success');
      return ref;
    } catch (err) {
      saveBtn.disabled = false;
      showError(err, { onReload: reload, onPickFinding: (f) => highlight(f.path) });
      return null;
    }
  }
  saveBtn?.addEventListener('click', async () => {
    const ref = await save();
    if (!ref) return;
    // The answer carries the saved version's scores and findings: show them, and point at the first error.
    await renderDetail(ctx, id);
    focusFirstError();
  });

  const act = async (label, path, body) => {
    try {
      await api.post(`/evaluations/${id}/${path}`, { expectedVersion: state.view.version, ...body });
      state.dirty = false;
      toast(`${label}成功`, 'success');
      ctx.refreshUnread?.();
      reload();
      return true;
    } catch (err) {
      // What blocked a submission is shown on a fresh page (its findings as of now), then located from the dialog.
      if (err.code === 'SUBMISSION_BLOCKED') await renderDetail(ctx, id);
      showError(err, { onReload: reload, onPickFinding: (f) => highlight(f.path) });
      return false;
    }
  };

  const actions = [];
  if (!isArchive) {
    const allowed = view.allowedActions;
    if (allowed.includes('submit')) {
      actions.push(h('button.btn.btn-primary', { type: 'button', onclick: async () => {
        const errors = view.findings.filter((f) => f.severity === 'error').length;
        const missing = view.missing?.length ?? 0;
        const msg = state.dirty ? '将先保存您的修改，然后提交审核。提交后不能再修改，确定提交吗？' : '提交后将进入审核，不能再修改。确定提交吗？';
        if (!state.dirty && (errors || missing)) toast(`当前有 ${[errors ? `${errors} 个错误` : '', missing ? `${missing} 处未填写` : ''].filter(Boolean).join('、')}，提交将被拒绝`, 'warning');
        if (!(await confirmDialog('提交审核', msg, '提交'))) return;
        if (state.dirty && !(await save({ quiet: true }))) return;
        await act('提交', 'submit', {});
      } }, '提交'));
    }
    if (allowed.includes('claim')) actions.push(h('button.btn', { type: 'button', onclick: () => act('认领', 'claim', {}) }, '认领'));
    if (allowed.includes('approve')) actions.push(h('button.btn.btn-success', { type: 'button', onclick: () => approveDialog(state.view, act) }, '审核通过'));
    if (allowed.includes('return')) actions.push(h('button.btn.btn-warning', { type: 'button', onclick: () => returnDialog(state.view, act) }, '退回'));
    if (allowed.includes('reassign')) actions.push(h('button.btn', { type: 'button', onclick: () => reassignDialog(state.view, act) }, '改派'));
    if (allowed.includes('withdraw')) actions.push(h('button.btn.btn-warning', { type: 'button', onclick: () => withdrawDialog(act) }, '撤回'));
    if (allowed.includes('publish')) {
      actions.push(h('button.btn.btn-primary', { type: 'button', onclick: async () => {
        if (await confirmDialog('公开', '公开后自评表将随部门决算公开，成为只读。确定公开吗？', '公开')) await act('公开', 'publish', {});
      } }, '公开'));
    }
    if (allowed.includes('reopen')) actions.push(h('button.btn.btn-warning', { type: 'button', onclick: () => reopenDialog(act) }, '更正'));
    if (allowed.includes('discard')) actions.push(h('button.btn.btn-ghost.btn-discard', { type: 'button', onclick: () => discardDialog(state.view, ctx) }, '删除草稿'));
  }
  const printBtn = h('button.btn', { type: 'button', onclick: () => window.print() }, '打印');
  const exportAs = (label, ext) => h('button.btn', { type: 'button', onclick: async () => {
    try {
      await download(`/evaluations/${id}/form.${ext}`, revision ? { revision } : undefined, `${view.form.projectName || '自评表'}.${ext}`);
    } catch (err) {
      toast(err.status === 404 ? '导出功能暂不可用' : err.message, 'error');
    }
  } }, label);
  const exportBtn = exportAs('导出 Excel', 'xlsx');
  const exportWordBtn = exportAs('导出 Word', 'docx');
  const exportPdfBtn = exportAs('导出 PDF', 'pdf');
  // Next year's form starts from this one (targets and weights kept, figures and results cleared).
  const mayCopy = !isArchive && session.may('evaluation.copy', view.form.unitId);
  const copyBtn = mayCopy ? h('button.btn', { type: 'button', onclick: () => copyDialog(view, ctx) }, '复制到新年度') : null;

  // --- header ------------------------------------------------------------------------------
  const header = h('div.page-head',
    h('div',
      h('div.crumbs', h('a', { href: '#/evaluations' }, '自评表列表'), ' / 自评表'),
      h('h1', view.form.projectName || '（未命名项目）'),
      h('div.head-meta', statusBadge(view.status, view.returned), h('span.tag', `第 ${view.revision} 版`), h('span.muted', `${unitName || ''} · ${view.form.fiscalYear} 年度 · 版本号 ${view.version}`),
        view.deadline ? deadlineCell(view.deadline) : null)),
    h('div.page-actions', dirtyNote, saveBtn, ...actions, copyBtn, printBtn, exportBtn, exportWordBtn, exportPdfBtn));

  // Someone else acting on this form: offer a reload, never overwrite what this person is typing.
  const liveBanner = h('div.notice.notice-info.live-banner', { hidden: true, role: 'status' });
  ctx.live.on('evaluation', (ev) => {
    if (ev.id !== id || ev.actorId === session.user?.id || ev.version <= state.view.version) return;
    clear(liveBanner).append(
      `此表已被他人${EVENT_LABELS[ev.type] ?? '修改'}（版本号 ${ev.version}）。`,
      state.dirty ? '您有未保存的修改，重新加载前请先复制。' : '',
      h('button.btn.btn-sm.btn-primary', { type: 'button', onclick: reload }, '重新加载'));
    liveBanner.hidden = false;
  });

  const banners = [];
  if (isArchive) {
    banners.push(h('div.notice.notice-info', `您正在查看第 ${revision} 版的公开存档（只读）。`, h('a', { href: `#/evaluations/${id}` }, '查看当前版本')));
  }
  const returnComments = view.returned ? latestReturnComments(view) : [];
  if (view.returned && !isArchive) {
    banners.push(h('div.notice.notice-warning', h('strong', '此表已被退回。'), ' 请根据审核意见修改后重新提交。',
      returnComments.filter((c) => !c.target).map((c) => h('div.general-comment', '退回意见：', c.text))));
  }
  if (view.status === 'Published' && !isArchive && view.allowedActions.includes('reopen')) {
    banners.push(h('div.notice', '此表已公开，只读。如需更正，请点击“更正”以开启新一版，新版需重新提交审核。'));
  }

  const tabs = h('div.tabs',
    h(`a.tab${tab === 'form' ? '.active' : ''}`, { href: hashOf(`/evaluations/${id}`, { revision }) }, '自评表'),
    h(`a.tab${tab === 'history' ? '.active' : ''}`, { href: hashOf(`/evaluations/${id}`, { revision, tab: 'history' }) }, '操作记录'));

  const scoreCard = scoresCard(view);
  clear(main).append(header, liveBanner, ...banners, tabs);

  if (tab === 'history') {
    const box = h('div.card', loading());
    main.append(box);
    await renderHistory(box, id, ctx);
    return;
  }

  // The rows as saved, by identity: where each is in the editor now (-1: deleted), and whether any was added, moved or
  // deleted. Return comments and evidence marks follow their rows by it before the save (the saved targets follow too).
  const savedRows = [...state.draft.indicators];
  const rowNow = (i) => state.draft.indicators.indexOf(savedRows[i]);
  const rowComments = returnComments.filter((c) => /^indicators\[\d+\]/.test(c.target ?? ''));
  const followRowComments = () => attachInlineComments(formArea, rowComments.flatMap((c) => {
    const i = rowNow(Number(/\[(\d+)\]/.exec(c.target)[1]));
    return i < 0 ? [] : [{ ...c, target: c.target.replace(/^indicators\[\d+\]/, `indicators[${i}]`), place: `绩效指标第 ${i + 1} 行` }];
  }));
  const formArea = formSections({ draft: state.draft, editable, unitName, view, onChange: markDirty, onRowsRendered: isArchive ? null : followRowComments });
  const evidence = isArchive ? null : attachmentsSection({
    view,
    formArea,
    // An upload or a deletion moves the version by one: the editor takes it only when nothing else moved it (else its next save is refused, 409).
    onVersion: (v) => { if (v === null || v === state.view.version + 1) state.view.version += 1; },
    rowNow,
    rowsMoved: () => state.draft.indicators.length !== savedRows.length || state.draft.indicators.some((row, i) => row !== savedRows[i]),
  });
  const layout = h('div.detail-layout', h('div.detail-main', formArea, evidence));
  main.append(layout, printFooter(view));
  const pending = view.scoring?.pending;
  const sidebar = h('aside.sidebar',
    scoreCard,
    reviewCard(view),
    verificationCard(view),
    h('div.card.findings-card',
      h('h3.card-title', '检查结果', pending ? h('span.pending', { role: 'status' }, '计算中…') : h('span.muted.small', `（错误 ${count(view, 'error')} · 警告 ${count(view, 'warning')} · 提示 ${count(view, 'info')}${view.missing?.length ? ` · ${LABELS.submissionGap} ${view.missing.length}` : ''}）`)),
      pending ? h('p.muted', '系统正在计算此版本的得分和检查结果，完成后自动显示。') : findingList([...(view.findings ?? []), ...missingItems(view.missing)], (f) => highlight(f.path))),
    view.comments?.length ? h('div.card', h('h3.card-title', '审核意见'), commentList(view.comments)) : null,
    view.publishedRevisions?.length ? h('div.card', h('h3.card-title', '公开版本'),
      h('ul.rev-list', view.publishedRevisions.map((n) => h('li',
        h('a', { href: hashOf(`/evaluations/${id}`, { revision: n }) }, `第 ${n} 版`),
        n === (revision ?? view.revision) ? h('span.muted.small', '（当前查看）') : null)))) : null,
    h('div.card.meta-card',
      h('h3.card-title', '基本信息'),
      h('dl.meta',
        h('dt', '创建时间'), h('dd', fmtDateTime(view.createdAt)),
        h('dt', '最近更新'), h('dd', fmtDateTime(view.updatedAt)),
        h('dt', '评分规则'), h('dd', view.ruleSetId ?? '—'),
        view.origin ? [h('dt', '导入来源'), h('dd', `${view.origin.fileName}（第 ${view.origin.position + 1} 张）`)] : null)));

  layout.append(sidebar);
  if (!isArchive) attachInlineComments(formArea, returnComments.filter((c) => c.target));
  // A reviewer of a resubmitted form sees what changed since the last review (changes.js).
  if (!isArchive && view.status === 'Submitted' && view.allowedActions.includes('return')) renderChanges({ view, formArea, act, highlight, isCurrent: ctx.isCurrent });
  if (pending) {
    // Scored by the worker (e.g. just imported): look again shortly, unless the person started typing.
    setTimeout(() => ctx.isCurrent() && !state.dirty && renderDetail(ctx, id), 1000);
  }
}

/** Moves the cursor to the first error's place in the form (keyboard users land where the fix is). */
function focusFirstError() {
  const first = document.querySelector('.findings .finding-error .finding-btn');
  if (first) first.click();
}

/** Printed below the form only: the paper's closing block with the totals, the date and signature lines. */
function printFooter(view) {
  const s = view.scores ?? {};
  const provisional = (view.findings ?? []).some((f) => f.severity === 'error');
  return h('div.print-only.print-footer',
    h('table.print-totals', h('tbody', h('tr',
      h('th', '总分'), h('td', fmtScore(s.total)),
      h('th', '等级'), h('td', s.grade ? `${s.grade}${provisional ? '（暂定）' : ''}` : '—'),
      h('th', '填报日期'), h('td', fmtDate(view.submittedAt ?? view.updatedAt))))),
    h('div.signatures', h('span', '单位负责人：', h('span.sign-line')), h('span', '填报人：', h('span.sign-line')), h('span', '联系电话：', view.form.contactPhone || h('span.sign-line'))));
}

function count(view, severity) {
  return (view.findings ?? []).filter((f) => f.severity === severity).length;
}

function latestReturnComments(view) {
  const returns = (view.comments ?? []).filter((c) => c.kind === 'return' && c.revision === view.revision);
  if (!returns.length) return [];
  const last = returns.reduce((m, c) => (c.createdAt > m ? c.createdAt : m), '');
  return returns.filter((c) => c.createdAt === last);
}

function commentList(comments) {
  return h('ul.comments', [...comments].reverse().map((c) => h(`li.comment.comment-${c.kind}`,
    h('div.comment-head',
      h(`span.badge.${c.kind === 'return' ? 'status-returned' : 'status-reviewed'}`, c.kind === 'return' ? '退回意见' : '审核意见'),
      c.target ? h('button.link-btn.comment-target', { type: 'button', title: '定位', onclick: () => highlight(c.target) }, c.place ?? placeOf(c.target)) : h('span.muted.small', '总体意见'),
      h('span.muted.small', `第 ${c.revision} 版 · ${fmtDateTime(c.createdAt)}`),
      c.resolvedAt ? h('span.badge.status-reviewed', { title: `${fmtDateTime(c.resolvedAt)} 标记` }, '已解决') : null),
    h('div.comment-text', c.text))));
}

function scoresCard(view) {
  const s = view.scores ?? {};
  const d = view.form.declared;
  const budgetWeight = Number(ruleSetOf(view.ruleSetId).budgetWeight);
  const provisional = (view.findings ?? []).some((f) => f.severity === 'error');
  return h('div.card.score-card',
    h('h3.card-title', '系统计算'),
    h('div.score-grid',
      h('div.score-item', h('div.score-label', '执行率'), h('div.score-value', s.executionRate === null || s.executionRate === undefined ? '—' : `${fmtScore(s.executionRate)}%`)),
      h('div.score-item', h('div.score-label', '预算得分'), h('div.score-value', fmtScore(s.budgetScore), h('span.score-of', ` / ${budgetWeight}`))),
      h('div.score-item', h('div.score-label', '指标得分'), h('div.score-value', fmtScore(s.indicatorScore), h('span.score-of', ` / ${100 - budgetWeight}`))),
      h('div.score-item.score-total', h('div.score-label', '总分'), h('div.score-value', { dataset: { score: 'total' } }, fmtScore(s.total)), h('div', gradeBadge(s.grade, provisional)))),
    provisional ? h('p.provisional-note', '存在错误，总分和等级为暂定，改正后重新计算。') : null,
    d && (d.total !== undefined || d.executionRate !== undefined || d.budgetScore !== undefined)
      ? h('div.declared',
        h('div.declared-title', '表中申报数（导入时原样保留）'),
        h('dl.meta',
          h('dt', '申报执行率'), h('dd', { dataset: { path: 'declared.executionRate' } }, d.executionRate ?? '—'),
          h('dt', '申报预算得分'), h('dd', { dataset: { path: 'declared.budgetScore' } }, fmtScore(d.budgetScore)),
          h('dt', '申报总分'), h('dd', { dataset: { path: 'declared.total' } }, fmtScore(d.total))))
      : null,
    h('p.stale-note', '已修改，保存后重新计算。'));
}

// ---------------------------------------------------------------------------------------------
function formSections({ draft, editable, isNew = false, unitName, view, onChange, onRowsRendered = null }) {
  const rules = ruleSetOf(view?.ruleSetId);
  // Every control and cell carries the name of its place ("第 3 行 · 分值"): screen readers say it, and
  // findings, comments and format errors are named by it.
  const text = (obj, key, path, { multiline = false, placeholder = '', rows = 2, list, label } = {}) => {
    if (!editable) {
      // Display only: merged Word cells can leave runs of blank lines; the data itself is untouched.
      const shown = String(obj[key] ?? '').replace(/\n\s*\n+/g, '\n').trim();
      return h(`div.ro${multiline ? '.ro-multi' : ''}`, { dataset: { path, place: label } }, shown === '' ? h('span.muted', '—') : shown);
    }
    const el = multiline
      ? h('textarea', { rows, dataset: { path }, placeholder, value: obj[key] ?? '', 'aria-label': label })
      : h('input', { dataset: { path }, placeholder, value: obj[key] ?? '', list, 'aria-label': label });
    el.addEventListener('input', () => {
      obj[key] = el.value;
      el.classList.remove('invalid');
      onChange();
    });
    return el;
  };
  const numeric = (obj, key, path, re, label, mono = true) => {
    if (!editable) return h(`div.ro.num${mono ? '.mono' : ''}`, { dataset: { path, place: label } }, obj[key] === '' || obj[key] === null ? '—' : String(obj[key]));
    const el = h('input.num.mono', { dataset: { path }, inputmode: 'decimal', value: obj[key] ?? '', 'aria-label': label });
    el.addEventListener('input', () => {
      obj[key] = el.value;
      const v = normalizeNumber(el.value);
      el.classList.toggle('invalid', v !== '' && !re.test(v));
      onChange();
    });
    return el;
  };

  // 基本信息
  const headerLabel = (key) => HEADER_FIELDS.find(([k]) => k === key)?.[1] ?? key;
  const methodField = editable
    ? (() => {
      const sel = h('select', { dataset: { path: 'evaluationMethod' }, 'aria-label': headerLabel('evaluationMethod') }, EVALUATION_METHODS.map((m) => h('option', { value: m, selected: m === draft.evaluationMethod }, m)));
      sel.addEventListener('change', () => { draft.evaluationMethod = sel.value; onChange(); });
      return sel;
    })()
    : h('div.ro', { dataset: { path: 'evaluationMethod', place: headerLabel('evaluationMethod') } }, draft.evaluationMethod);
  const yearField = editable && isNew
    ? (() => {
      const sel = h('select', { dataset: { path: 'fiscalYear' }, 'aria-label': headerLabel('fiscalYear') }, yearOptions(draft.fiscalYear, { allLabel: null }));
      sel.addEventListener('change', () => { draft.fiscalYear = Number(sel.value); onChange(); });
      return sel;
    })()
    : h('div.ro', { dataset: { path: 'fiscalYear', place: headerLabel('fiscalYear') } }, `${draft.fiscalYear} 年度`);
  const field = (key, control, wide = false) => h(`div.field${wide ? '.field-wide' : ''}`, h('span.field-label', { 'aria-hidden': 'true' }, headerLabel(key)), control);
  const headerText = (key) => text(draft, key, key, { label: headerLabel(key) });

  const headerSection = h('section.card.form-section', { dataset: { path: 'header' }, 'aria-label': '基本信息' },
    h('h2.section-title', '项目支出绩效自评表', h('span.muted.small', `（${draft.fiscalYear} 年度）`)),
    h('div.form-grid',
      field('projectName', headerText('projectName'), true),
      field('competentDepartment', headerText('competentDepartment')),
      field('unitId', h('div.ro', unitName || '—')),
      field('projectLead', headerText('projectLead')),
      field('contactPhone', headerText('contactPhone')),
      field('fiscalYear', yearField),
      field('evaluationMethod', methodField)));

  // 项目资金
  const s = view?.scores ?? {};
  const fundsSection = h('section.card.form-section', { dataset: { path: 'funds', place: '项目资金' } },
    h('h2.section-title', '项目资金', h('span.muted.small', '（万元）')),
    h('div.table-wrap', h('table.table.table-form.table-funds',
      h('thead', h('tr', h('th', ''), FUNDS_COLUMNS.map(([, label]) => h('th.num', label)), h('th.num', '分值'), h('th.num', '执行率'), h('th.num', '得分'))),
      h('tbody', FUNDS_ROWS.map(([key, label], i) => h('tr', { dataset: { path: `funds.${key}`, place: label } },
        h('th.row-head', label),
        FUNDS_COLUMNS.map(([col, colLabel]) => h('td.num', numeric(draft.funds[key], col, `funds.${key}.${col}`, AMOUNT_RE, `${label} · ${colLabel}`))),
        i === 0 ? [
          h('td.num.mono', { rowspan: FUNDS_ROWS.length }, rules.budgetWeight ?? '—'),
          h('td.num.mono', { rowspan: FUNDS_ROWS.length }, s.executionRate === null || s.executionRate === undefined ? '—' : `${fmtScore(s.executionRate)}%`),
          h('td.num.mono', { rowspan: FUNDS_ROWS.length }, fmtScore(s.budgetScore)),
        ] : null)))))
  );

  // 年度总体目标
  const goalsSection = h('section.card.form-section', { dataset: { path: 'goals', place: '年度总体目标' } },
    h('h2.section-title', '年度总体目标'),
    h('div.goals',
      h('div.field', { dataset: { path: 'goals.expected' } }, h('span.field-label', { 'aria-hidden': 'true' }, '预期目标'), text(draft.goals, 'expected', 'goals.expected', { multiline: true, rows: 6, label: '年度总体目标 · 预期目标' })),
      h('div.field', { dataset: { path: 'goals.actual' } }, h('span.field-label', { 'aria-hidden': 'true' }, '实际完成情况'), text(draft.goals, 'actual', 'goals.actual', { multiline: true, rows: 6, label: '年度总体目标 · 实际完成情况' }))));

  // 绩效指标
  const fieldLabel = Object.fromEntries(INDICATOR_FIELDS);
  const level2All = [...new Set(Object.values(rules.level2 ?? {}).flat())];
  const tbody = h('tbody');
  const weightSum = h('td.num.mono', { dataset: { sum: 'weight' } });
  const scoreSum = h('td.num.mono', { dataset: { sum: 'score' } });
  const refreshSums = () => {
    weightSum.textContent = sumHundredths(draft.indicators.map((r) => r.weight));
    scoreSum.textContent = sumHundredths(draft.indicators.map((r) => r.score));
  };
  const renderRows = () => {
    clear(tbody);
    if (!draft.indicators.length) {
      tbody.append(h('tr', h('td.empty-cell', { colspan: editable ? 10 : 9 }, '尚无绩效指标。')));
    }
    const groups = indicatorGroups(draft.indicators, rules);
    draft.indicators.forEach((row, i) => {
      const p = `indicators[${i}]`;
      const g = groups[i];
      const label = (f) => `第 ${i + 1} 行 · ${fieldLabel[f] ?? f}`;
      // Read-only, the groups are merged cells as on paper; editing, a blank cell says which group it continues.
      const startsL1 = i === 0 || groups[i - 1].level1 !== g.level1;
      const startsL2 = startsL1 || groups[i - 1].level2 !== g.level2;
      const span = (key) => {
        let n = 1;
        while (i + n < groups.length && groups[i + n].level1 === g.level1 && (key === 'level1' || groups[i + n].level2 === g.level2)) n++;
        return n;
      };
      const levelCell = (key, starts, list) => {
        if (editable) {
          const el = text(row, key, `${p}.${key}`, { list, label: label(key), placeholder: g[key] ? `同上：${g[key]}` : '' });
          return h(`td.w-${key === 'level1' ? 'l1' : 'l2'}`, el);
        }
        if (!starts) return null;
        return h(`td.w-${key === 'level1' ? 'l1' : 'l2'}.merged`, { rowspan: span(key), dataset: { path: `${p}.${key}`, place: label(key) } }, g[key] || h('span.muted', '—'));
      };
      tbody.append(h('tr.ind-row', { dataset: { path: p, place: `绩效指标第 ${i + 1} 行` } },
        h('td.num.muted', i + 1),
        levelCell('level1', startsL1, 'dl-level1'),
        levelCell('level2', startsL2, 'dl-level2'),
        h('td.w-name', text(row, 'name', `${p}.name`, { multiline: true, label: label('name') })),
        h('td.w-val', text(row, 'target', `${p}.target`, { multiline: true, label: label('target') })),
        h('td.w-val', text(row, 'actual', `${p}.actual`, { multiline: true, label: label('actual') })),
        h('td.w-num', numeric(row, 'weight', `${p}.weight`, SCORE_RE, label('weight'))),
        h('td.w-num', numeric(row, 'score', `${p}.score`, SCORE_RE, label('score'))),
        h('td.w-dev', text(row, 'deviation', `${p}.deviation`, { multiline: true, label: label('deviation') })),
        editable ? h('td.row-tools',
          h('button.icon-btn', { type: 'button', 'aria-label': `第 ${i + 1} 行上移`, title: '上移', disabled: i === 0, onclick: () => move(i, -1) }, '↑'),
          h('button.icon-btn', { type: 'button', 'aria-label': `第 ${i + 1} 行下移`, title: '下移', disabled: i === draft.indicators.length - 1, onclick: () => move(i, 1) }, '↓'),
          h('button.icon-btn.icon-danger', { type: 'button', 'aria-label': `删除第 ${i + 1} 行`, title: '删除此行', onclick: () => remove(i) }, '✕')) : null));
    });
    refreshSums();
  };
  /** After the drafter added, moved or deleted a row: the rows again, and what follows them (return comments). */
  const rowsChanged = () => {
    onChange();
    renderRows();
    onRowsRendered?.();
  };
  const move = (i, d) => {
    const [row] = draft.indicators.splice(i, 1);
    draft.indicators.splice(i + d, 0, row);
    rowsChanged();
  };
  const remove = async (i) => {
    const r = draft.indicators[i];
    if ((r.name || r.target || r.actual) && !(await confirmDialog('删除指标', `确定删除第 ${i + 1} 行“${r.name || '未命名指标'}”吗？`, '删除', 'danger'))) return;
    draft.indicators.splice(i, 1);
    rowsChanged();
  };
  if (editable) {
    tbody.addEventListener('input', (e) => {
      if (e.target.dataset.path?.match(/\.(weight|score)$/)) refreshSums();
    });
  }
  renderRows();

  const indicatorTable = h('div.table-wrap', h('table.table.table-form.table-indicators',
    h('thead', h('tr', h('th.num', '序'), INDICATOR_FIELDS.map(([key, label]) => h(`th${key === 'weight' || key === 'score' ? '.num' : ''}`, label)), editable ? h('th', '') : null)),
    tbody,
    h('tfoot', h('tr', h('td'), h('td', { colspan: 5 }, `指标合计（预算分值 ${rules.budgetWeight ?? '—'} 另计）`), weightSum, scoreSum, h('td'), editable ? h('td') : null))));
  // On a laptop screen the table is wider than its card: say that 偏差原因分析及改进措施 is to the right.
  const hiddenRight = () => indicatorTable.scrollWidth - indicatorTable.clientWidth - indicatorTable.scrollLeft > 4;
  const scrollHint = h('button.btn.btn-sm.scroll-hint', { type: 'button', hidden: true, title: '表格可左右滑动',
    onclick: () => indicatorTable.scrollTo({ left: indicatorTable.scrollWidth, behavior: 'smooth' }) }, '右侧还有列（偏差原因分析等）→');
  const updateHint = () => { scrollHint.hidden = !hiddenRight(); };
  indicatorTable.addEventListener('scroll', updateHint, { passive: true });
  new ResizeObserver(updateHint).observe(indicatorTable);

  const indicatorsSection = h('section.card.form-section', { dataset: { path: 'indicators', place: '绩效指标' } },
    h('div.section-head',
      h('h2.section-title', '绩效指标'),
      scrollHint,
      editable ? h('button.btn.btn-sm', { type: 'button', onclick: () => { draft.indicators.push(blankIndicator(draft.indicators.at(-1), rules)); rowsChanged(); tbody.lastElementChild?.querySelector('[data-path$=".name"]')?.focus(); } }, '＋ 添加指标') : null),
    h('datalist#dl-level1', (rules.level1 ?? []).map((v) => h('option', { value: v }))),
    h('datalist#dl-level2', level2All.map((v) => h('option', { value: v }))),
    indicatorTable);

  return h('div.form-sections', headerSection, fundsSection, goalsSection, indicatorsSection);
}

/** 删除草稿: the Draft leaves every list (its history stays); the person lands on 我的草稿. */
function discardDialog(view, ctx) {
  const reason = h('textarea', { rows: 3, placeholder: '例如：重复创建、复制到了错误的年度', maxlength: 4000 });
  return modal({
    title: '删除草稿',
    body: [
      h('p', `确定删除草稿“${view.form.projectName || '未命名项目'}”（${view.form.fiscalYear} 年度）吗？`),
      h('p.muted', '删除后该表不再出现在任何列表、看板和明细表中，也不再催办；操作记录保留在系统中。此操作不能撤销。'),
      h('label.field', h('span.field-label', '删除原因（可选）'), reason),
    ],
    buttons: [{ label: '取消' }, { label: '删除', kind: 'danger', onClick: async () => {
      try {
        await api.post(`/evaluations/${view.id}/discard`, { expectedVersion: view.version, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
        toast('草稿已删除', 'success');
        ctx.refreshUnread?.();
        ctx.navigate('#/evaluations?queue=drafts');
      } catch (err) {
        showError(err, { onReload: () => renderDetail(ctx, view.id) });
      }
    } }],
  });
}

function reportInvalid(paths) {
  toast(`以下内容格式不正确：${paths.slice(0, 3).map(placeOf).join('、')}${paths.length > 3 ? ' 等' : ''}（金额最多 6 位小数，分值/得分最多 2 位小数）`, 'error');
  for (const p of paths) document.querySelector(`[data-path="${CSS.escape(p)}"]`)?.classList.add('invalid');
  highlight(paths[0]);
}

/** Finds the element for a form path, falling back to its parent path ("indicators[3].deviation" → "indicators[3]" → "indicators"). */
function findPathElement(path) {
  let p = path;
  while (p) {
    const el = document.querySelector(`[data-path="${CSS.escape(p)}"]`);
    if (el) return el;
    const next = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (next === p) break;
    p = next;
  }
  if (/^(projectName|competentDepartment|projectLead|contactPhone|evaluationMethod|fiscalYear)$/.test(path)) return document.querySelector('[data-path="header"]');
  return null;
}

export function highlight(path) {
  const el = findPathElement(path);
  if (!el) {
    toast(`定位：${placeOf(path)}`);
    return;
  }
  document.querySelectorAll('.hl').forEach((x) => x.classList.remove('hl'));
  const target = el.closest('td, .field, tr, section, dd') ?? el;
  target.classList.add('hl');
  target.scrollIntoView({ behavior: 'smooth', block: 'center' });
  if (el.matches('input, textarea, select')) setTimeout(() => el.focus({ preventScroll: true }), 300);
  setTimeout(() => target.classList.remove('hl'), 4000);
}

function attachInlineComments(root, comments) {
  for (const c of comments) {
    const note = h('div.inline-comment', h('span.inline-comment-label', '退回意见'), c.text);
    const row = /^indicators\[(\d+)\]$/.exec(c.target);
    let el = null;
    let p = c.target;
    while (p && !el) {
      el = root.querySelector(`[data-path="${CSS.escape(p)}"]`);
      const next = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      if (next === p) break;
      p = next;
    }
    if (!el) {
      root.prepend(h('div.notice.notice-warning', `${c.place ?? placeOf(c.target)}：`, c.text));
      continue;
    }
    if (el.tagName === 'TR' || row) {
      const tr = el.closest('tr');
      const cols = tr.children.length;
      tr.classList.add('has-comment');
      tr.after(h('tr.comment-row', h('td', { colspan: cols }, note)));
    } else if (el.tagName === 'SECTION') {
      el.querySelector('.section-title, .section-head')?.after(note);
    } else {
      const host = el.closest('td, .field') ?? el.parentElement;
      host.classList.add('has-comment');
      host.append(note);
    }
  }
}

// ---------------------------------------------------------------------------------------------
function approveDialog(view, act) {
  const comment = h('textarea', { rows: 4, placeholder: '审核意见（可选）', maxlength: 4000 });
  const verify = verifiedScoresFieldset(view);
  const review = view.review;
  const next = review && review.step < review.of ? review.chain[review.step] : null;
  const stepName = review ? REVIEW_STEP_LABELS[review.name] ?? review.name : '审核';
  const what = next
    ? `确认通过「${stepName}」？通过后转「${REVIEW_STEP_LABELS[next] ?? next}」。`
    : '确认此自评表审核通过？通过后由管理员公开。';
  return modal({
    title: review && review.of > 1 ? `审核通过 · ${stepName}（第 ${review.step}/${review.of} 级）` : '审核通过',
    wide: true,
    body: [h('p', what), h('label.field', h('span.field-label', '审核意见（可选）'), comment), verify.element],
    buttons: [{ label: '取消' }, {
      label: '审核通过', kind: 'success', onClick: () => {
        const verifiedScores = verify.collect();
        if (verifiedScores === null) return false;
        return act('审核', 'approve', {
          ...(comment.value.trim() ? { comment: comment.value.trim() } : {}),
          ...(verifiedScores.length ? { verifiedScores } : {}),
        });
      },
    }],
  });
}

function copyDialog(view, ctx) {
  const from = Number(view.form.fiscalYear);
  const year = h('select', { 'aria-label': '新年度' }, [1, 2, 3].map((n) => h('option', { value: String(from + n) }, `${from + n} 年度`)));
  return modal({
    title: '复制到新年度',
    body: [
      h('p', `以《${view.form.projectName || '未命名项目'}》（${from} 年度）为底稿新建草稿：保留基本信息、预期目标和各项指标（名称、指标值、分值），清空资金、实际完成值、得分和偏差分析。`),
      h('label.field', h('span.field-label', '新年度'), year),
    ],
    buttons: [{ label: '取消' }, {
      label: '复制', kind: 'primary', onClick: async () => {
        try {
          const ref = await api.post(`/evaluations/${view.id}/copy`, { fiscalYear: Number(year.value) });
          toast('已复制为新年度草稿', 'success');
          ctx.navigate(`#/evaluations/${ref.id}`);
          return true;
        } catch (err) {
          showError(err);
          return false;
        }
      },
    }],
  });
}

function reopenDialog(act) {
  const reason = h('textarea', { rows: 4, placeholder: '请说明更正原因', maxlength: 4000 });
  return modal({
    title: '更正已公开的自评表',
    body: [h('p', '更正将开启新一版草稿，修改后需重新提交、审核、公开；已公开的版本会保留在历史中。'), h('label.field', h('span.field-label', '更正原因'), reason)],
    buttons: [{ label: '取消' }, { label: '开始更正', kind: 'warning', onClick: () => act('更正', 'reopen', reason.value.trim() ? { reason: reason.value.trim() } : {}) }],
  });
}

function commentTargets(view) {
  const opts = [['', '总体意见（不针对具体内容）']];
  for (const [k, label] of HEADER_FIELDS.filter(([k]) => k !== 'fiscalYear' && k !== 'unitId')) opts.push([k, `基本信息 · ${label}`]);
  opts.push(['funds', '项目资金（整体）']);
  for (const [row, rowLabel] of FUNDS_ROWS) {
    opts.push([`funds.${row}`, `项目资金 · ${rowLabel}`]);
    for (const [col, colLabel] of FUNDS_COLUMNS) opts.push([`funds.${row}.${col}`, `项目资金 · ${rowLabel} · ${colLabel}`]);
  }
  opts.push(['goals.expected', '年度总体目标 · 预期目标'], ['goals.actual', '年度总体目标 · 实际完成情况'], ['indicators', '绩效指标（整体）']);
  view.form.indicators.forEach((r, i) => {
    const name = `${i + 1}. ${r.name || '未命名'}`.slice(0, 40);
    opts.push([`indicators[${i}]`, `绩效指标 ${name}`]);
    for (const f of ['target', 'actual', 'score', 'deviation']) opts.push([`indicators[${i}].${f}`, `　　第 ${i + 1} 行 · ${INDICATOR_FIELDS.find(([k]) => k === f)[1]}`]);
  });
  return opts;
}

function returnDialog(view, act) {
  const targets = commentTargets(view);
  const list = h('div.return-list');
  const addComment = (target = '') => {
    const sel = h('select', targets.map(([v, label]) => h('option', { value: v, selected: v === target }, label)));
    const text = h('textarea', { rows: 3, placeholder: '退回意见', maxlength: 4000 });
    const item = h('div.return-item', h('div.return-item-head', sel, h('button.icon-btn.icon-danger', { type: 'button', title: '删除此条意见', onclick: () => { if (list.children.length > 1) item.remove(); } }, '✕')), text);
    list.append(item);
    text.focus();
  };
  addComment();
  // Offer the blocking/warning findings as starting points.
  const suggestions = view.findings.filter((f) => f.severity !== 'info').slice(0, 8);
  const verify = verifiedScoresFieldset(view);
  return modal({
    title: '退回自评表',
    wide: true,
    body: [
      h('p', '请填写退回意见（至少一条）。每条意见可针对某个字段或某一行指标，填报人将在对应位置看到。'),
      list,
      h('button.btn.btn-sm', { type: 'button', onclick: () => addComment() }, '＋ 添加一条意见'),
      suggestions.length ? h('div.suggest', h('div.muted.small', '根据检查结果添加：'),
        suggestions.map((f) => h('button.chip', { type: 'button', onclick: () => {
          addComment(targets.some(([v]) => v === f.path) ? f.path : f.path.replace(/\.[a-zA-Z]+$/, ''));
          list.lastElementChild.querySelector('textarea').value = f.message;
        } }, `${SEVERITY_LABELS[f.severity]}：${f.place ?? placeOf(f.path)}`))) : null,
      verify.element,
    ],
    buttons: [{ label: '取消' }, {
      label: '确认退回', kind: 'warning', onClick: async () => {
        const comments = [...list.querySelectorAll('.return-item')]
          .map((item) => ({ target: item.querySelector('select').value || null, text: item.querySelector('textarea').value.trim() }))
          .filter((c) => c.text);
        if (!comments.length) {
          toast('请至少填写一条退回意见', 'error');
          return false;
        }
        const verifiedScores = verify.collect();
        if (verifiedScores === null) return false;
        return act('退回', 'return', { comments, ...(verifiedScores.length ? { verifiedScores } : {}) });
      },
    }],
  });
}

// ---------------------------------------------------------------------------------------------
async function renderHistory(box, id, ctx) {
  let entries;
  try {
    // Who did what and when: the forms that saves carry stay on the server (a form saved 500 times would send 1.5 MB).
    entries = await api.get(`/evaluations/${id}/history`, { forms: false });
  } catch (err) {
    clear(box).append(h('div.error-box', err.message));
    return;
  }
  if (!ctx.isCurrent()) return;
  clear(box).append(
    h('h3.card-title', '操作记录', h('span.muted.small', '（北京时间）')),
    h('table.table',
      h('thead', h('tr', h('th.num', '版本号'), h('th', '时间'), h('th', '操作人'), h('th', '操作'), h('th', '说明'))),
      h('tbody', collapseSaves(entries).map((e) => h('tr',
        h('td.num.mono', e.saves > 1 ? `${e.version}–${e.lastVersion}` : e.version),
        h('td.nowrap', e.saves > 1 ? timeSpan(e.occurredAt, e.lastAt) : fmtDateTime(e.occurredAt)),
        h('td', e.actor?.displayName ?? e.actor?.username ?? '系统'),
        h('td', h(`span.event.event-${e.type}`, EVENT_LABELS[e.type] ?? e.type)),
        h('td', e.saves > 1 ? `连续保存 ${e.saves} 次` : eventDetails(e, entries)))))));
}

/** "2026-12-01 09:44 – 11:05" within a day, both dates otherwise. */
function timeSpan(from, to) {
  const [a, b] = [fmtDateTime(from), fmtDateTime(to)];
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b}`;
}

/** One row for a run of saves by the same person (a drafter saves often): the first and last version and time. */
function collapseSaves(entries) {
  const rows = [];
  for (const e of entries) {
    const last = rows.at(-1);
    if (e.type === 'EvaluationEdited' && last?.type === 'EvaluationEdited' && last.actor?.id === e.actor?.id) {
      last.saves += 1;
      last.lastVersion = e.version;
      last.lastAt = e.occurredAt;
    } else {
      rows.push({ ...e, saves: 1 });
    }
  }
  return rows;
}

function eventDetails(e, entries) {
  const p = e.payload ?? {};
  switch (e.type) {
    case 'EvaluationAttachmentAdded':
    case 'EvaluationAttachmentRemoved':
      return attachmentEventDetails(e, entries);
    case 'EvaluationImported':
      return [p.origin?.fileName ? `自文件 ${p.origin.fileName}` : '导入', p.published ? '（按已公开导入）' : ''];
    case 'EvaluationReturned':
      return h('ul.plain', (p.comments ?? []).map((c) => h('li', c.target ? h('span.muted', `${c.place ?? placeOf(c.target)}：`) : null, c.text)));
    case 'EvaluationApproved':
      return p.comment?.text ? `审核意见：${p.comment.text}` : '';
    case 'EvaluationPublished':
      return p.revision ? `公开第 ${p.revision} 版` : '';
    case 'EvaluationReopened':
      return [p.revision ? `开启第 ${p.revision} 版` : '', p.reason ? `；原因：${p.reason}` : ''];
    case 'EvaluationSubmitted':
      return '提交审核';
    default:
      return '';
  }
}
