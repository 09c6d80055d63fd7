import { api, session } from '../api.js';
import { h, clear, pageHeader, yearOptions, gradeBadge, fmtScore, statusBadge, toast } from '../dom.js';

export function renderImport(ctx) {
  const { main } = ctx;
  const textarea = h('textarea.mono.import-text', { rows: 16, placeholder: '选择了 Word 或 Excel 文件时不必填写；也可将 Word 自评表导出的文本（项目绩效评价明细表 + 项目支出绩效自评表）粘贴到这里，或选择 .txt 文件…', spellcheck: 'false' });
  const fileInput = h('input', { type: 'file', accept: '.docx,.xlsx,.txt,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'aria-label': '选择 Word、Excel 或文本文件' });
  const fileInfo = h('span.muted.small');
  let fileName = null;
  // A Word or Excel file is uploaded as it is (the server reads its tables); a text file fills the text box.
  let documentFile = null;
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    fileName = file.name;
    if (/\.(docx|xlsx)$/i.test(file.name)) {
      documentFile = file;
      textarea.value = '';
      fileInfo.textContent = `${file.name}（${/\.docx$/i.test(file.name) ? 'Word 文件' : 'Excel 文件'}，${Math.max(1, Math.round(file.size / 1024))} KB，将上传原文件）`;
      return;
    }
    documentFile = null;
    textarea.value = await file.text();
    fileInfo.textContent = `${file.name}（${textarea.value.split('\n').length} 行）`;
  });
  textarea.addEventListener('input', () => {
    if (documentFile && textarea.value.trim()) {
      documentFile = null;
      fileInput.value = '';
      fileName = null;
      fileInfo.textContent = '（改为导入粘贴的文本）';
    } else if (fileName) fileInfo.textContent = `${fileName}（已手工修改）`;
  });
  const yearSelect = h('select', yearOptions('', { allLabel: '按文件中的年度' }));
  // Importing as published is publishing: offered to those who may publish.
  const asSelect = h('select', h('option', { value: 'draft' }, '草稿（需提交审核）'),
    session.may('evaluation.publish') ? h('option', { value: 'published' }, '已公开（历史表格存档）') : null);
  const result = h('div');
  const submit = h('button.btn.btn-primary', { type: 'submit' }, '开始导入');

  const form = h('form.card', { novalidate: true },
    h('div.form-grid',
      h('label.field', h('span.field-label', '文件'), h('div', fileInput, ' ', fileInfo)),
      h('label.field', h('span.field-label', '年度'), yearSelect),
      h('label.field', h('span.field-label', '导入为'), asSelect)),
    h('label.field', h('span.field-label', '或粘贴自评表文本'), textarea),
    h('div.form-actions', h('span.muted.small', '整个文件一次导入：任何一张表无法识别时都不会写入。同一文件重复导入会返回首次导入的结果。'), submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = textarea.value;
    if (!documentFile && !text.trim()) {
      toast('请选择 Word、Excel 文件或粘贴文本', 'error');
      return;
    }
    submit.disabled = true;
    submit.textContent = '正在导入…';
    clear(result);
    try {
      const query = { fiscalYear: yearSelect.value, as: asSelect.value, fileName: fileName ?? undefined };
      let res;
      if (documentFile) {
        const upload = new FormData();
        upload.append('file', documentFile, documentFile.name);
        res = await api.upload('/imports/self-evaluations', upload, query);
      } else {
        res = await api.postText('/imports/self-evaluations', text, query);
      }
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

  clear(main).append(pageHeader('导入自评表'), h('p.muted', '导入单位已有的自评表：Word 文件（.docx，项目绩效评价明细表 + 各项目支出绩效自评表）、按本系统导出格式的 Excel 文件（.xlsx），或 Word 表格导出的文本（格式同样例 beijing-gwc-2021-self-evaluations.txt）。导入不会因检查问题而拒绝表格，也不会修改表中申报的数字，只报告不一致之处。'), form, result);
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
  const at = d.at?.kind === 'table' ? `表格 ${d.at.table} 第 ${d.at.row} 行第 ${d.at.cell} 个单元格` : d.at?.kind === 'sheet' ? `工作表“${d.at.sheet}”单元格 ${d.at.address}` : null;
  const where = [d.line ? `第 ${d.line} 行` : at, d.form ? `第 ${d.form} 张表` : null, d.projectName ? `“${d.projectName}”` : null].filter(Boolean).join('，');
  return h('div.error-box',
    h('strong', '导入失败：'), err.message,
    where && !(d.line && String(err.message).includes(`第 ${d.line} 行`)) && !(at && String(err.message).includes(at)) ? h('div', '位置：', where) : null,
    h('div.muted.small', '没有写入任何自评表。请修正文件后重新导入。'));
}
