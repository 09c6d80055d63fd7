import { h, modal, toast, placeOf, LABELS, SEVERITY_LABELS } from './dom.js';

export function findingList(findings, onPick) {
  if (!findings?.length) return h('p.muted', '没有发现问题。');
  const order = { error: 0, missing: 1, warning: 2, info: 3 };
  const sorted = [...findings].sort((a, b) => (order[a.severity] ?? 4) - (order[b.severity] ?? 4));
  return h('ul.findings',
    sorted.map((f) => {
      const content = [
        h(`span.sev.sev-${f.severity}`, f.severity === 'missing' ? LABELS.submissionGap : SEVERITY_LABELS[f.severity] ?? f.severity),
        h('span.finding-text', h('span.finding-msg', f.message), h('span.finding-meta', f.place ?? placeOf(f.path)))];
      return h(`li.finding.finding-${f.severity}`, { dataset: { code: f.code } },
        onPick ? h('button.finding-btn', { type: 'button', title: '定位到表中位置', onclick: () => onPick(f) }, content) : content);
    }));
}

/** A form's gaps before submission (`missing` of the view or of a refusal), listed with its findings. */
export function missingItems(missing) {
  return (missing ?? []).map((m) => ({ ...m, severity: 'missing', code: 'MISSING' }));
}

/** Shows an API error the way a person can act on it. */
export async function showError(err, { onReload, onPickFinding } = {}) {
  if (!err || err.status === 401) return;
  if (err.code === 'VERSION_CONFLICT') {
    const reload = await modal({
      title: '自评表已被修改',
      body: [
        h('p', '在您编辑期间，这张自评表已被他人修改或状态已变化，您的操作没有保存。'),
        h('p.muted', '请重新加载最新内容后再操作（未保存的修改将丢失，必要时请先复制）。'),
      ],
      buttons: [{ label: '暂不加载', value: false }, { label: '重新加载', kind: 'primary', value: true }],
    });
    if (reload && onReload) onReload();
    return;
  }
  if (err.code === 'SUBMISSION_BLOCKED') {
    // The errors among the findings, and what is still empty (a form copied from last year, results not yet written).
    const errors = (err.details?.findings ?? []).filter((f) => f.severity === 'error');
    const missing = missingItems(err.details?.missing);
    await modal({
      title: errors.length ? '无法提交：存在错误' : '无法提交：尚未填写完整',
      wide: true,
      body: [h('p', err.message), findingList([...errors, ...missing], onPickFinding ? (f) => {
        document.querySelector('dialog.modal')?.close();
        document.querySelector('dialog.modal')?.remove();
        onPickFinding(f);
      } : null)],
    });
    return;
  }
  if (err.code === 'VALIDATION_FAILED' && Array.isArray(err.details?.fields)) {
    await modal({
      title: '填写有误',
      body: [
        h('p', err.message),
        h('ul.field-errors', err.details.fields.map((f) => h('li', h('strong', fieldLabel(f.field)), '：', (f.messages ?? []).join('；')))),
      ],
    });
    return;
  }
  toast(err.message || '操作失败', 'error');
}

function fieldLabel(field) {
  // class-validator reports nested paths as "indicators.3.score" / "funds.total.executed".
  const path = String(field ?? '').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  return placeOf(path);
}
