import { h, modal, fmtDateTime, fmtScore, toast, REVIEW_STEP_LABELS } from '../dom.js';
import { api } from '../api.js';
import { showError } from '../errors.js';

const stepLabel = (name) => REVIEW_STEP_LABELS[name] ?? name;
const SCORE_RE = /^\d+(\.\d{1,2})?$/;

/**
 * 审核流程: where the submission stands in its chain — each step approved (who, when, comment), the step
 * reviewing now (and who claimed it), the steps still to come.
 */
export function reviewCard(view) {
  const review = view.review;
  if (!review || view.status === 'Draft') return null;
  const approved = new Map(review.approvals.map((a) => [a.step, a]));
  const steps = review.chain.map((name, index) => {
    const approval = approved.get(index);
    const current = view.status === 'Submitted' && index === review.step - 1;
    const state = approval ? 'done' : current ? 'current' : 'todo';
    return h(`li.review-step.review-step-${state}`, { 'data-step': name },
      h('span.review-step-mark', approval ? '✓' : String(index + 1)),
      h('div.review-step-body',
        h('div.review-step-name', stepLabel(name), current ? h('span.tag.tag-info', '当前') : null),
        approval ? h('div.muted.small', `${approval.by.name ?? '审核人'} 于 ${fmtDateTime(approval.at)} 审核通过`) : null,
        approval?.comment ? h('div.small', `意见：${approval.comment}`) : null,
        current && review.claimedBy
          ? h('div.small.review-claim', `由 ${review.claimedBy.name ?? '审核人'} 认领${review.assignedBy ? `（${review.assignedBy.name ?? '管理员'}改派）` : ''}`)
          : current ? h('div.muted.small', '尚无人认领') : null));
  });
  return h('div.card.review-card', h('h3.card-title', '审核流程', h('span.muted.small', `（共 ${review.of} 级）`)), h('ol.review-steps', steps));
}

/** 自评得分 and 核查得分 side by side, row by row, with who verified them at which step. */
export function verificationCard(view) {
  const v = view.verification;
  if (!v) return null;
  const verified = new Map(v.rows.map((r) => [r.row, r]));
  return h('div.card.verification-card',
    h('h3.card-title', '核查得分'),
    h('p.muted.small', `${v.by.name ?? '审核人'}（${stepLabel(v.stepName)}）于 ${fmtDateTime(v.at)} 核查`),
    h('div.table-wrap', h('table.table.table-compact.verification-table',
      h('thead', h('tr', h('th', '指标'), h('th.num', '自评'), h('th.num', '核查'))),
      h('tbody', view.form.indicators.map((row, i) => {
        const r = verified.get(i);
        const down = r && r.selfScore !== null && r.score < r.selfScore;
        return h(`tr${down ? '.verified-down' : ''}`, { 'data-row': String(i) },
          h('td', h('div', `${i + 1}. ${row.name || '未命名'}`), r?.reason ? h('div.small.verified-reason', `说明：${r.reason}`) : null),
          h('td.num.mono', fmtScore(row.score)),
          h('td.num.mono', r ? fmtScore(r.score) : '—'));
      })),
      h('tfoot', h('tr.total-row', h('td', '核查得分', h('div.muted.small', v.complete ? '含预算执行得分' : '部分指标行未核查')), h('td'),
        h('td.num.mono', v.total === null ? '—' : fmtScore(v.total)))))));
}

/**
 * The 核查分 part of the approve and return dialogs: one input per indicator row, prefilled with the drafter's
 * score; a reason field opens when the verified score differs. Off until the reviewer ticks 填写核查分.
 */
export function verifiedScoresFieldset(view) {
  const toggle = h('input', { type: 'checkbox', 'aria-label': '填写核查分' });
  const rows = view.form.indicators.map((row, i) => {
    const score = h('input.input-score', { type: 'text', inputmode: 'decimal', value: row.score ?? '', 'aria-label': `第 ${i + 1} 行 · 核查分` });
    const reason = h('input', { type: 'text', maxlength: 2000, placeholder: '与自评得分不同时须说明理由', 'aria-label': `第 ${i + 1} 行 · 核查说明` });
    const sync = () => {
      const differs = score.value.trim() !== String(row.score ?? '');
      reason.required = differs;
      reason.closest('tr')?.classList.toggle('verified-changed', differs);
    };
    score.addEventListener('input', sync);
    return { i, row, score, reason, tr: h('tr', h('td', `${i + 1}. ${row.name || '未命名'}`), h('td.num.mono', fmtScore(row.weight)), h('td.num.mono', fmtScore(row.score)), h('td', score), h('td', reason)) };
  });
  const table = h('div.table-wrap.verify-table', { hidden: true }, h('table.table.table-compact',
    h('thead', h('tr', h('th', '指标'), h('th.num', '分值'), h('th.num', '自评得分'), h('th', '核查分'), h('th', '核查说明'))),
    h('tbody', rows.map((r) => r.tr))));
  toggle.addEventListener('change', () => { table.hidden = !toggle.checked; });
  const element = h('div.verify-fieldset',
    h('label.check', toggle, ' 填写核查分（逐行核定得分，可选）'),
    table);
  /** The rows as the API takes them, or null after telling the reviewer what to fix. */
  const collect = () => {
    if (!toggle.checked) return [];
    const out = [];
    for (const r of rows) {
      const text = r.score.value.trim();
      if (text === '') continue;
      if (!SCORE_RE.test(text)) {
        toast(`第 ${r.i + 1} 行的核查分应为数字，最多两位小数`, 'error');
        r.score.focus();
        return null;
      }
      const score = Number(text);
      if (r.row.weight !== null && score > r.row.weight) {
        toast(`第 ${r.i + 1} 行的核查分不能超过分值 ${r.row.weight}`, 'error');
        r.score.focus();
        return null;
      }
      const reason = r.reason.value.trim();
      if (score !== r.row.score && !reason) {
        toast(`第 ${r.i + 1} 行的核查分与自评得分不同，请填写核查说明`, 'error');
        r.reason.focus();
        return null;
      }
      out.push({ row: r.i, score, reason: reason || null });
    }
    return out;
  };
  return { element, collect };
}

/** 撤回: the drafter takes the submitted form back (before any step approved it). */
export function withdrawDialog(act) {
  const reason = h('textarea', { rows: 3, placeholder: '撤回原因（可选）', maxlength: 4000 });
  return modal({
    title: '撤回自评表',
    body: [h('p', '撤回后表单回到草稿，可继续修改后重新提交；审核人将收到通知。'), h('label.field', h('span.field-label', '撤回原因（可选）'), reason)],
    buttons: [{ label: '取消' }, { label: '撤回', kind: 'warning', onClick: () => act('撤回', 'withdraw', reason.value.trim() ? { reason: reason.value.trim() } : {}) }],
  });
}

/** 改派 (managers): hand the current step's review to one of its reviewers. */
export async function reassignDialog(view, act) {
  let people;
  try {
    people = await api.get(`/evaluations/${view.id}/reviewers`);
  } catch (err) {
    showError(err);
    return null;
  }
  if (!people.length) {
    toast('当前审核环节没有其他可改派的审核人', 'warning');
    return null;
  }
  const select = h('select', { 'aria-label': '改派给' }, people.map((p) => h('option', { value: p.id, selected: p.claimed }, `${p.displayName}${p.claimed ? '（当前认领）' : ''}`)));
  const step = view.review ? stepLabel(view.review.name) : '审核';
  return modal({
    title: `改派「${step}」`,
    body: [h('p', '将当前环节的审核改派给以下审核人之一；被改派人将看到自己已认领。'), h('label.field', h('span.field-label', '改派给'), select)],
    buttons: [{ label: '取消' }, { label: '改派', kind: 'primary', onClick: () => act('改派', 'reassign', { userId: select.value }) }],
  });
}
