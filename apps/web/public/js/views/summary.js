import { api, download, session } from '../api.js';
import { h, clear, loading, emptyState, pageHeader, statusBadge, gradeBadge, findingCounts, fmtAmount, fmtScore, hashOf, yearOptions, toast, defaultFiscalYear } from '../dom.js';
import { pager } from './list.js';

/** Rows per page of the table on screen; the exports hold the whole table. */
const PAGE_SIZE = 50;

export async function renderSummary(ctx) {
  const { params, main } = ctx;
  const fiscalYear = await defaultFiscalYear(params, api);
  const unitId = params.get('unitId') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const go = (changes) => ctx.navigate(hashOf('/summary', { fiscalYear, unitId, page: 1, ...changes }));
  const yearSelect = h('select', { 'aria-label': '年度', onchange: (e) => go({ fiscalYear: e.target.value }) }, yearOptions(fiscalYear, { allLabel: null }));
  const unitSelect = h('select', { 'aria-label': '单位', onchange: (e) => go({ unitId: e.target.value }) }, h('option', { value: '' }, '全部单位'));
  const unitLabel = h('label.inline', { hidden: true }, '单位', unitSelect);

  const exportBtn = (label, ext) => h('button.btn', { type: 'button', onclick: async (e) => {
    e.currentTarget.disabled = true;
    const btn = e.currentTarget;
    try {
      await download(`/summary.${ext}`, { fiscalYear, unitId }, `项目绩效评价明细表-${fiscalYear}.${ext}`);
    } catch (err) {
      toast(err.status === 404 ? '导出功能暂不可用' : err.message, 'error');
    } finally {
      btn.disabled = false;
    }
  } }, label);

  // 公开材料包: the year's published forms of one unit as PDF and Word, without contact data (managers).
  const packBtn = session.may('reporting.publication.download')
    ? h('button.btn', { type: 'button', onclick: async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      try {
        await download('/publication', { fiscalYear, unitId }, `绩效自评公开材料-${fiscalYear}.zip`);
      } catch (err) {
        toast(err.message, 'error');
      } finally {
        btn.disabled = false;
      }
    } }, '下载公开材料包')
    : null;

  const body = h('div', loading());
  clear(main).append(
    pageHeader('项目绩效评价明细表', exportBtn('导出 Excel', 'xlsx'), exportBtn('导出 CSV', 'csv'), exportBtn('导出 Word', 'docx'), exportBtn('导出 PDF', 'pdf'), packBtn),
    h('div.toolbar', h('label.inline', '年度', yearSelect), unitLabel),
    body);

  const [table, units] = await Promise.all([api.get('/summary', { fiscalYear, unitId, page, pageSize: PAGE_SIZE }), api.get('/units').catch(() => [])]);
  if (!ctx.isCurrent()) return;
  if (Array.isArray(units) && units.length > 1) {
    unitLabel.hidden = false;
    unitSelect.append(...units.map((u) => h('option', { value: u.id, selected: u.id === unitId }, u.name)));
  }
  if (!table.rows.length && table.totalRows && page > 1) {
    go({ page: Math.ceil(table.totalRows / PAGE_SIZE) }); // a page past the end (the table shrank): its last page
    return;
  }
  clear(body);
  if (!table.totalRows) {
    body.append(emptyState(`${fiscalYear} 年度没有自评表。`));
    return;
  }
  // Of the whole table, not of this page: one unit's name is the table's when it holds one unit only.
  const multiUnit = table.unitName === null;
  body.append(h('div.card.paper',
    h('div.paper-title', h('h2', `${table.fiscalYear ?? fiscalYear} 年度项目绩效评价明细表`),
      h('div.paper-sub', table.unitName ? `单位：${table.unitName}` : '全部单位')),
    h('div.table-wrap', h('table.table.table-paper',
      h('thead', h('tr',
        h('th.num', '序号'), h('th', '项目名称'), multiUnit ? h('th', '单位') : null, h('th.num', '项目预算（万元）'), h('th', '评价方式'), h('th.num', '自评得分'),
        h('th.num.sys', { title: '审核人逐行核定的得分（全部指标行已核查时显示）' }, '核查得分'), h('th.num.sys', '系统计算得分'), h('th.center.sys', '等级'), h('th.sys', '状态'), h('th.sys', '错误 / 警告'))),
      h('tbody', table.rows.map((r) => h('tr',
        h('td.num', r.seq),
        h('td', h('a', { href: `#/evaluations/${r.evaluationId}` }, r.projectName || '（未命名项目）'),
          r.correcting ? h('span.tag.tag-warning', { title: `显示已公开的第 ${r.revision} 版；第 ${r.currentRevision ?? r.revision + 1} 版正在更正，公开后替换` }, '更正中') : null),
        multiUnit ? h('td', r.unitName) : null,
        h('td.num.mono', fmtAmount(r.budget)),
        h('td', r.evaluationMethod),
        h('td.num.mono', fmtScore(r.selfScore)),
        h(`td.num.mono.sys${r.verifiedScore !== null && r.selfScore !== null && r.verifiedScore < r.selfScore ? '.diff' : ''}`,
          { title: r.verifiedScore !== null && r.selfScore !== null && r.verifiedScore < r.selfScore ? '核查得分低于自评得分' : null }, fmtScore(r.verifiedScore)),
        h(`td.num.mono.sys${r.computedScore !== null && r.selfScore !== null && r.computedScore !== r.selfScore ? '.diff' : ''}`,
          { title: r.computedScore !== r.selfScore ? '与自评得分不一致' : null }, fmtScore(r.computedScore)),
        h('td.center.sys', gradeBadge(r.grade, (r.findings?.errors ?? 0) > 0)),
        h('td.sys', statusBadge(r.status)),
        h('td.sys', findingCounts(r.findings))))),
      h('tfoot', h('tr.total-row',
        h('td'), h('td', table.totalRows > table.rows.length ? `合计（全部 ${table.totalRows} 项）` : '合计'), multiUnit ? h('td') : null,
        h('td.num.mono', fmtAmount(table.total?.budget)), h('td'), h('td'), h('td', { colspan: 5 }))))),
    table.totalRows > PAGE_SIZE ? pager(table.totalRows, page, PAGE_SIZE, (p) => go({ page: p })) : null,
    h('p.muted.small', '“核查得分”为审核人逐行核定的得分；“系统计算得分”及其后各列为系统按评分规则计算与检查的结果。纸质表中没有这些列。')));
}
