import { api, session } from '../api.js';
import { h, clear, loading, emptyState, pageHeader, statusBadge, gradeBadge, findingCounts, fmtAmount, fmtScore, fmtDateTime, hashOf, yearOptions, STATUS_LABELS, STATUSES } from '../dom.js';

export async function renderList(ctx) {
  const { params, main } = ctx;
  const status = params.get('status') ?? '';
  const fiscalYear = params.get('fiscalYear') ?? '';
  const unitId = params.get('unitId') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const pageSize = 20;
  const go = (changes) => ctx.navigate(hashOf('/evaluations', { status, fiscalYear, unitId, page: 1, ...changes }));

  const statusSelect = h('select', { onchange: (e) => go({ status: e.target.value }) },
    h('option', { value: '' }, '全部状态'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, STATUS_LABELS[s])));
  const yearSelect = h('select', { onchange: (e) => go({ fiscalYear: e.target.value }) }, yearOptions(fiscalYear));
  const unitSelect = h('select', { onchange: (e) => go({ unitId: e.target.value }) }, h('option', { value: '' }, '全部单位'));
  const unitLabel = h('label.inline', { hidden: true }, '单位', unitSelect);

  const body = h('div', loading());
  clear(main).append(
    pageHeader('自评表列表',
      session.hasRole('drafter') ? h('a.btn.btn-primary', { href: '#/evaluations/new' }, '＋ 新建自评表') : null),
    h('div.toolbar', h('label.inline', '状态', statusSelect), h('label.inline', '年度', yearSelect), unitLabel,
      (status || fiscalYear || unitId) ? h('a.btn.btn-ghost.btn-sm', { href: '#/evaluations' }, '清除筛选') : null),
    body);

  const [result, units] = await Promise.all([
    api.get('/evaluations', { status, fiscalYear, unitId, page, pageSize }),
    api.get('/units').catch(() => []),
  ]);
  if (!ctx.isCurrent()) return;
  if (Array.isArray(units) && units.length > 1) {
    unitLabel.hidden = false;
    unitSelect.append(...units.map((u) => h('option', { value: u.id, selected: u.id === unitId }, u.name)));
  }

  clear(body);
  if (!result.items.length) {
    body.append(emptyState(status || fiscalYear ? '没有符合条件的自评表。' : '还没有自评表。'));
    return;
  }
  body.append(
    h('div.table-wrap', h('table.table',
      h('thead', h('tr',
        h('th', '项目名称'), h('th', '单位'), h('th.num', '年度'), h('th', '状态'), h('th.num', '预算（万元）'),
        h('th.num', { title: '自评得分 / 系统计算得分' }, '自评得分 / 系统得分'), h('th.center', '等级'), h('th', '错误 / 警告'), h('th', '更新时间'))),
      h('tbody', result.items.map((e) => h('tr.row-link', { onclick: (ev) => { if (!ev.target.closest('a')) ctx.navigate(`#/evaluations/${e.id}`); } },
        h('td', h('a', { href: `#/evaluations/${e.id}` }, e.projectName || '（未命名项目）'), e.revision > 1 ? h('span.tag', `第 ${e.revision} 版`) : null),
        h('td', e.unitName),
        h('td.num', e.fiscalYear),
        h('td', statusBadge(e.status, e.returned)),
        h('td.num.mono', fmtAmount(e.budget)),
        h('td.num.mono', scorePair(e)),
        h('td.center', gradeBadge(e.grade)),
        h('td', findingCounts(e.findings)),
        h('td.muted.nowrap', fmtDateTime(e.updatedAt))))))),
    pager(result.total, page, pageSize, (p) => go({ page: p })));
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
