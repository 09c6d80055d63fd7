import { api, session } from '../api.js';
import {
  h, clear, loading, emptyState, pageHeader, statusBadge, gradeBadge, findingCounts, fmtAmount, fmtScore, fmtDateTime, hashOf, yearOptions,
  deadlineCell, waited, STATUS_LABELS, STATUSES, REVIEW_STEP_LABELS,
} from '../dom.js';
import { bulkSelection } from './bulk.js';

/** Each queue is a role's own work: what it holds, how it is ordered, what its rows show. */
const QUEUES = {
  review: { title: '待我审核', empty: '没有等待您审核的自评表。', hint: '按提交时间排列，等待最久的在前。' },
  publish: { title: '待公开', empty: '没有已审核待公开的自评表。', hint: '已审核通过、尚未公开的自评表。' },
  overdue: { title: '逾期', empty: '没有逾期的自评表。', hint: '超过填报或审核截止时间仍未完成的自评表。' },
  drafts: { title: '我的草稿', empty: '没有草稿。', hint: '被退回的在前，其余按最近修改排列。' },
};

export async function renderList(ctx) {
  const { params, main } = ctx;
  const queue = QUEUES[params.get('queue')] ? params.get('queue') : '';
  const status = params.get('status') ?? '';
  const fiscalYear = params.get('fiscalYear') ?? '';
  const unitId = params.get('unitId') ?? '';
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const pageSize = 20;
  const go = (changes) => ctx.navigate(hashOf('/evaluations', { queue, status, fiscalYear, unitId, q, page: 1, ...changes }));

  const search = h('input.search', { type: 'search', value: q, placeholder: '按项目名称搜索', 'aria-label': '按项目名称搜索', maxlength: 100 });
  const searchForm = h('form.search-form', { role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value.trim() }); } },
    search, h('button.btn.btn-sm', { type: 'submit' }, '搜索'));
  const statusSelect = queue ? null : h('select', { 'aria-label': '状态', onchange: (e) => go({ status: e.target.value }) },
    h('option', { value: '' }, '全部状态'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, STATUS_LABELS[s])));
  const yearSelect = h('select', { 'aria-label': '年度', onchange: (e) => go({ fiscalYear: e.target.value }) }, yearOptions(fiscalYear));
  const unitSelect = h('select', { 'aria-label': '单位', onchange: (e) => go({ unitId: e.target.value }) }, h('option', { value: '' }, '全部单位'));
  const unitLabel = h('label.inline', { hidden: true }, '单位', unitSelect);
  const filtered = status || fiscalYear || unitId || q;

  const info = QUEUES[queue];
  const body = h('div', loading());
  // 待我审核 and 待公开: check boxes and the bulk commands this person may give there.
  const bulk = bulkSelection(queue, { onDone: () => ctx.isCurrent() && load() });
  clear(main).append(
    pageHeader(info?.title ?? '自评表列表',
      session.may('evaluation.create') ? h('a.btn.btn-primary', { href: '#/evaluations/new' }, '＋ 新建自评表') : null),
    info ? h('p.page-hint.muted', info.hint) : null,
    h('div.toolbar', searchForm, statusSelect ? h('label.inline', '状态', statusSelect) : null, h('label.inline', '年度', yearSelect), unitLabel,
      filtered ? h('a.btn.btn-ghost.btn-sm', { href: hashOf('/evaluations', { queue }) }, '清除筛选') : null),
    bulk?.bar ?? null,
    body);

  const load = async () => {
    const [result, units] = await Promise.all([
      api.get('/evaluations', { queue, status: queue ? '' : status, fiscalYear, unitId, q, page, pageSize }),
      api.get('/units').catch(() => []),
    ]);
    if (!ctx.isCurrent()) return;
    if (Array.isArray(units) && units.length > 1 && unitSelect.options.length === 1) {
      unitLabel.hidden = false;
      unitSelect.append(...units.map((u) => h('option', { value: u.id, selected: u.id === unitId }, u.name)));
    }
    clear(body);
    bulk?.show(result.items);
    if (!result.items.length) {
      body.append(emptyState(filtered ? '没有符合条件的自评表。' : info?.empty ?? '还没有自评表。'));
      return;
    }
    body.append(table(result.items, queue, ctx, bulk), pager(result.total, page, pageSize, (p) => go({ page: p })));
  };
  await load();
  // Someone else's action may add or remove rows: refresh in place (lists hold no edits to lose).
  let timer;
  ctx.live.on('evaluation', () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctx.isCurrent() && load(), 400);
  });
}

function waitingSince(e, queue) {
  return queue === 'review' ? e.submittedAt ?? e.updatedAt : e.updatedAt;
}

function table(items, queue, ctx, bulk) {
  const showWait = queue === 'review' || queue === 'publish';
  return h('div.table-wrap.table-cards', h('table.table.table-list',
    h('thead', h('tr',
      bulk ? bulk.header() : null,
      h('th', '项目名称'), h('th', '单位'), h('th.num', '年度'), h('th', '状态'),
      showWait ? h('th', queue === 'review' ? '提交时间' : '审核通过时间') : null,
      h('th', '截止时间'),
      h('th.num', '预算（万元）'),
      h('th.num', { title: '自评得分 / 系统计算得分' }, '自评 / 系统得分'), h('th.center', '等级'), h('th', { title: '错误、警告，以及草稿提交前还需填写的项' }, '检查结果'),
      showWait ? null : h('th', '更新时间'))),
    h('tbody', items.map((e) => h(`tr.row-link${e.overdue ? '.row-overdue' : ''}`, { onclick: (ev) => { if (!ev.target.closest('a, .cell-pick')) ctx.navigate(`#/evaluations/${e.id}`); } },
      bulk ? bulk.cell(e) : null,
      h('td.cell-title', h('a', { href: `#/evaluations/${e.id}` }, e.projectName || '（未命名项目）'), e.revision > 1 ? h('span.tag', `第 ${e.revision} 版`) : null),
      h('td', { dataset: { label: '单位' } }, e.unitName),
      h('td.num', { dataset: { label: '年度' } }, e.fiscalYear),
      h('td', { dataset: { label: '状态' } }, statusBadge(e.status, e.returned),
        e.review ? h('div.muted.small.review-at', REVIEW_STEP_LABELS[e.review.step] ?? e.review.step, e.review.claimedBy ? ` · ${e.review.claimedBy.name ?? '审核人'}已认领` : '') : null),
      // 待我审核 waits since the submission; 待公开 since the last step's approval, the form's last change.
      showWait ? h('td.nowrap', { dataset: { label: queue === 'review' ? '提交时间' : '审核通过时间' } },
        h('div', fmtDateTime(waitingSince(e, queue))), h('div.muted.small', waited(waitingSince(e, queue)))) : null,
      h('td', { dataset: { label: '截止时间' } }, deadlineCell(e.deadline)),
      h('td.num.mono', { dataset: { label: '预算（万元）' } }, fmtAmount(e.budget)),
      h('td.num.mono', { dataset: { label: '自评 / 系统得分' } }, scorePair(e)),
      h('td.center', { dataset: { label: '等级' } }, gradeBadge(e.grade, (e.findings?.errors ?? 0) > 0)),
      h('td', { dataset: { label: '检查结果' } }, findingCounts(e.findings)),
      showWait ? null : h('td.muted.nowrap', { dataset: { label: '更新时间' } }, fmtDateTime(e.updatedAt)))))));
}

function scorePair(e) {
  const self = e.declaredTotal ?? e.computedTotal;
  const differs = e.declaredTotal !== null && e.computedTotal !== null && e.declaredTotal !== e.computedTotal;
  return h('span', fmtScore(self), h('span.muted', ' / '), h(differs ? 'span.diff' : 'span', { title: differs ? '自评得分与系统计算得分不一致' : null }, fmtScore(e.computedTotal)));
}

export function pager(total, page, pageSize, onPage) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return h('div.pager',
    h('span.muted', `共 ${total} 条，第 ${page} / ${pages} 页`),
    h('button.btn.btn-sm', { type: 'button', disabled: page <= 1, onclick: () => onPage(page - 1) }, '上一页'),
    h('button.btn.btn-sm', { type: 'button', disabled: page >= pages, onclick: () => onPage(page + 1) }, '下一页'));
}
