import { api } from '../api.js';
import { h, clear, pageHeader, yearOptions, gradeBadge, fmtScore, statusBadge, toast } from '../dom.js';

export function renderImport(ctx) {
  const { main } = ctx;
  const textarea = h('textarea.mono.import-text', { rows: 16, placeholder: '将 Word 自评表导出的文本（项目绩效评价明细表 + 项目支出绩效自评表）粘贴到这里，或选择文件…', spellcheck: 'false' });
  const fileInput = h('input', { type: 'file', accept: '.txt,text/plain' });
  const fileInfo = h('span.muted.small');
  let fileName = null;
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    fileName = file.name;
    textarea.value = await file.text();
    fileInfo.textContent = `${file.name}（${textarea.value.split('\n').length} 行）`;
  });
  textarea.addEventListener('input', () => {
    if (fileName) fileInfo.textContent = `${fileName}（已手工修改）`;
  });
  const yearSelect = h('select', yearOptions('', { allLabel: '按文件中的年度' }));
  const asSelect = h('select', h('option', { value: 'draft' }, '草稿（需提交审核）'), h('option', { value: 'published' }, '已公开（历史表格存档）'));
  const result = h('div');
  const submit = h('button.btn.btn-primary', { type: 'submit' }, '开始导入');

  const form = h('form.card', { novalidate: true },
    h('div.form-grid',
      h('label.field', h('span.field-label', '文件'), h('div', fileInput, ' ', fileInfo)),
      h('label.field', h('span.field-label', '年度'), yearSelect),
      h('label.field', h('span.field-label', '导入为'), asSelect)),
    h('label.field', h('span.field-label', '自评表文本'), textarea),
    h('div.form-actions', h('span.muted.small', '整个文件一次导入：任何一张表无法识别时都不会写入。同一文件重复导入会返回首次导入的结果。'), submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = textarea.value;
    if (!text.trim()) {
      toast('请粘贴文本或选择文件', 'error');
      return;
    }
    submit.disabled = true;
    submit.textContent = '正在导入…';
    clear(result);
    try {
      const query = { fiscalYear: yearSelect.value, as: asSelect.value, fileName: fileName ?? undefined };
      const res = await api.postText('/imports/self-evaluations', text, query);
      result.append(importResult(res));
      toast(res.duplicate ? '该文件已导入过' : `已导入 ${res.evaluations.length} 张自评表`, 'success');
    } catch (err) {
      if (err.status === 401) return;
      result.append(importError(err));
    } finally {
      submit.disabled = false;
      submit.textContent = '开始导入';
    }
  });

  clear(main).append(pageHeader('导入自评表'), h('p.muted', '导入单位已有的自评表（Word 表格导出的文本，格式同样例 beijing-gwc-2021-self-evaluations.txt）。导入不会因检查问题而拒绝表格，也不会修改表中申报的数字，只报告不一致之处。'), form, result);
}

function importResult(res) {
  return h('div.card',
    h('h3.card-title', res.duplicate ? '该文件此前已导入，以下为首次导入的结果' : '导入完成', h('span.muted.small', `（${res.fiscalYear} 年度，共 ${res.evaluations.length} 张）`)),
    h('table.table',
      h('thead', h('tr', h('th.num', '序'), h('th', '项目名称'), h('th', '单位'), h('th', '状态'), h('th.num', '系统总分'), h('th.center', '等级'), h('th', '检查结果'))),
      h('tbody', res.evaluations.map((e, i) => {
        const errors = e.findings.filter((f) => f.severity === 'error').length;
        const warnings = e.findings.filter((f) => f.severity === 'warning').length;
        const infos = e.findings.length - errors - warnings;
        return h('tr',
          h('td.num', i + 1),
          h('td', h('a', { href: `#/evaluations/${e.id}` }, e.projectName || '（未命名项目）')),
          h('td', e.unitName),
          h('td', statusBadge(e.status)),
          h('td.num.mono', fmtScore(e.scores?.total)),
          h('td.center', gradeBadge(e.scores?.grade)),
          h('td', e.findings.length ? h('span.counts',
            h(`span.count${errors ? '.count-error' : '.count-zero'}`, `错误 ${errors}`),
            h(`span.count${warnings ? '.count-warning' : '.count-zero'}`, `警告 ${warnings}`),
            infos ? h('span.count.count-info', `提示 ${infos}`) : null) : h('span.muted', '无问题')));
      }))));
}

function importError(err) {
  const d = err.details ?? {};
  const where = [d.line ? `第 ${d.line} 行` : null, d.form ? `第 ${d.form} 张表` : null, d.projectName ? `“${d.projectName}”` : null].filter(Boolean).join('，');
  return h('div.error-box',
    h('strong', '导入失败：'), err.message,
    where && !(d.line && String(err.message).includes(`第 ${d.line} 行`)) ? h('div', '位置：', where) : null,
    h('div.muted.small', '没有写入任何自评表。请修正文本后重新导入。'));
}
