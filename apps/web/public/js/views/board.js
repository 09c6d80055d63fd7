import { api } from '../api.js';
import { h, clear, loading, pageHeader, hashOf, yearOptions, statusBadge, fmtScore, fmtAmount, STATUSES, STATUS_LABELS, defaultFiscalYear } from '../dom.js';

export async function renderBoard(ctx) {
  const { params, main } = ctx;
  const fiscalYear = await defaultFiscalYear(params, api);
  const yearSelect = h('select', { 'aria-label': '年度', onchange: (e) => ctx.navigate(hashOf('/board', { fiscalYear: e.target.value || 'all' })) }, yearOptions(fiscalYear));
  const liveNote = h('span.live-note.muted.small', { role: 'status' });
  const body = h('div', loading());
  clear(main).append(pageHeader('看板'), h('div.toolbar', h('label.inline', '年度', yearSelect), liveNote), body);

  await drawBoard(ctx, body, fiscalYear);
  // Counts follow every change anyone makes, without a reload.
  let timer;
  ctx.live.on('evaluation', (ev) => {
    if (fiscalYear && String(ev.fiscalYear) !== String(fiscalYear)) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!ctx.isCurrent()) return;
      await drawBoard(ctx, body, fiscalYear);
      liveNote.textContent = `已自动更新 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`;
    }, 300);
  });
}

async function drawBoard(ctx, body, fiscalYear) {
  const b = await api.get('/board', { fiscalYear });
  if (!ctx.isCurrent()) return;
  const listLink = (status) => hashOf('/evaluations', { status, fiscalYear });
  const rate = b.budget?.executionRate;
  clear(body).append(
    h('div.kpis',
      h('a.kpi', { href: listLink('') }, h('div.kpi-label', '自评表总数'), h('div.kpi-value', b.total)),
      STATUSES.map((s) => h(`a.kpi.kpi-${s.toLowerCase()}`, { href: listLink(s) }, h('div.kpi-label', STATUS_LABELS[s]), h('div.kpi-value', { dataset: { kpi: s } }, b.byStatus?.[s] ?? 0))),
      h('div.kpi.kpi-returned', h('div.kpi-label', '已退回（待修改）'), h('div.kpi-value', b.returned ?? 0)),
      b.overdue !== null && b.overdue !== undefined ? h('div.kpi.kpi-overdue', h('div.kpi-label', '逾期'), h('div.kpi-value', b.overdue)) : null),
    h('div.board-grid',
      h('div.card',
        h('h3.card-title', '预算执行'),
        h('dl.meta.meta-lg',
          h('dt', '全年预算数'), h('dd.mono', `${fmtAmount(b.budget?.budgeted)} 万元`),
          h('dt', '全年执行数'), h('dd.mono', `${fmtAmount(b.budget?.executed)} 万元`),
          h('dt', '执行率'), h('dd.mono', rate === null || rate === undefined ? '—' : `${fmtScore(rate)}%`)),
        h('div.progress', { title: '执行率' }, h('div.progress-bar', { style: null, dataset: { w: String(Math.min(100, rate ?? 0)) } }))),
      h('div.card',
        h('h3.card-title', '等级分布'),
        h('div.grades', ['优', '良', '中', '差', '无'].map((g) => {
          const n = b.byGrade?.[g] ?? 0;
          const pct = b.total ? Math.round((n / b.total) * 100) : 0;
          return h('div.grade-row', h('span.grade-name', g === '无' ? '未评' : g), h('div.bar', h(`div.bar-fill.bar-${g}`, { dataset: { w: String(pct) } })), h('span.grade-n', n));
        })),
        h('p.muted', '平均系统得分：', h('strong.mono', fmtScore(b.averageComputedScore))))),
    h('div.card',
      h('h3.card-title', '各单位进度'),
      b.byUnit?.length ? h('div.table-wrap', h('table.table',
        h('thead', h('tr', h('th', '单位'), h('th.num', '合计'), STATUSES.map((s) => h('th.num', STATUS_LABELS[s])), h('th', '完成度'))),
        h('tbody', b.byUnit.map((u) => {
          const done = (u.byStatus?.Reviewed ?? 0) + (u.byStatus?.Published ?? 0);
          const pct = u.total ? Math.round((done / u.total) * 100) : 0;
          return h('tr',
            h('td', u.unitName), h('td.num', u.total), STATUSES.map((s) => h('td.num', u.byStatus?.[s] ?? 0)),
            h('td', h('div.progress.progress-sm', { title: `已审核及公开 ${pct}%` }, h('div.progress-bar', { dataset: { w: String(pct) } })), h('span.muted.small', ` ${pct}%`)));
        })))) : h('p.muted', '暂无数据。')),
    h('div.card',
      h('h3.card-title', '存在错误的自评表', h('span.muted.small', `（${b.withErrors?.length ?? 0}）`)),
      b.withErrors?.length ? h('table.table',
        h('thead', h('tr', h('th', '项目名称'), h('th', '单位'), h('th', '状态'), h('th.num', '错误数'))),
        h('tbody', b.withErrors.map((e) => h('tr',
          h('td', h('a', { href: `#/evaluations/${e.id}` }, e.projectName || '（未命名项目）')),
          h('td', e.unitName), h('td', statusBadge(e.status)), h('td.num', h('span.count.count-error', e.errors)))))) : h('p.muted', '没有存在错误的自评表。')));
  applyWidths(body);
}

/** Bar widths via CSSOM (allowed by CSP), not style attributes in markup. */
export function applyWidths(root) {
  root.querySelectorAll('[data-w]').forEach((el) => {
    el.style.width = `${Math.max(0, Math.min(100, Number(el.dataset.w) || 0))}%`;
  });
}
