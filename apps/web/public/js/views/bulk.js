import { api, session } from '../api.js';
import { h, modal, confirmDialog } from '../dom.js';
import { showError } from '../errors.js';

/** The bulk commands a queue offers (POST /evaluations/bulk/<action>), when the access table grants them. */
const ACTIONS = {
  review: [
    { action: 'approve', label: '批量通过', kind: 'success', done: '审核通过' },
    { action: 'return', label: '批量退回', kind: 'warning', done: '退回' },
  ],
  publish: [{ action: 'publish', label: '批量公开', kind: 'primary', done: '公开' }],
};

/**
 * Check boxes for the rows of a queue and the bar that acts on the checked ones. Each form is sent with the
 * version it was listed at; the API runs one command per form and answers each, and the summary shows them.
 * Null when the queue offers this person no bulk command.
 */
export function bulkSelection(queue, { onDone }) {
  const actions = (ACTIONS[queue] ?? []).filter((a) => session.may(`evaluation.${a.action}`));
  if (!actions.length) return null;
  /** id → {id, version, name} of the checked rows, as they were listed. */
  const picked = new Map();
  let rows = [];
  const boxes = new Map();

  const all = h('input', { type: 'checkbox', 'aria-label': '全选本页', onchange: () => {
    for (const e of rows) toggle(e, all.checked);
    sync();
  } });
  const count = h('span.bulk-count.muted');
  const buttons = actions.map((a) => h(`button.btn.btn-sm.btn-${a.kind}`, { type: 'button', dataset: { bulk: a.action }, onclick: () => run(a) }, a.label));
  const bar = h('div.bulk-bar', { role: 'toolbar', 'aria-label': '批量操作', hidden: true },
    h('label.bulk-all', all, '全选'), count, h('div.bulk-actions', buttons));

  function toggle(e, on) {
    if (on) picked.set(e.id, { id: e.id, version: e.version, name: e.projectName || '（未命名项目）' });
    else picked.delete(e.id);
    const box = boxes.get(e.id);
    if (box) box.checked = on;
  }

  function sync() {
    const n = picked.size;
    count.textContent = n ? `已选 ${n} 项` : '未选择';
    all.checked = rows.length > 0 && rows.every((e) => picked.has(e.id));
    all.indeterminate = n > 0 && !all.checked;
    for (const b of buttons) b.disabled = n === 0;
    bar.hidden = rows.length === 0;
  }

  async function run(a) {
    const chosen = [...picked.values()];
    const body = await ask(a, chosen.length);
    if (!body) return;
    for (const b of buttons) b.disabled = true;
    count.textContent = `正在处理 ${chosen.length} 项…`;
    try {
      const { results } = await api.post(`/evaluations/bulk/${a.action}`, { items: chosen.map((c) => ({ id: c.id, expectedVersion: c.version })), ...body });
      picked.clear();
      onDone();
      await summary(a, results, new Map(chosen.map((c) => [c.id, c.name])));
    } catch (err) {
      sync();
      await showError(err);
      onDone();
    }
  }

  return {
    bar,
    /** The header cell of the check-box column. */
    header: () => h('th.cell-pick', { 'aria-label': '选择' }),
    /** The check box of one listed form. */
    cell: (e) => {
      const box = h('input', { type: 'checkbox', checked: picked.has(e.id), 'aria-label': `选择《${e.projectName || '未命名项目'}》`, onchange: () => {
        toggle(e, box.checked);
        sync();
      } });
      boxes.set(e.id, box);
      return h('td.cell-pick', h('label.pick', box));
    },
    /** The forms now listed: a checked form that left the page is no longer checked (its version stays the one it was checked at). */
    show(items) {
      rows = items;
      boxes.clear();
      const listed = new Set(items.map((e) => e.id));
      for (const id of [...picked.keys()]) if (!listed.has(id)) picked.delete(id);
      sync();
    },
  };
}

/** What the person confirms before the request: the body's comment, or null when they cancel. */
async function ask(a, n) {
  if (a.action === 'approve') {
    const comment = h('textarea', { rows: 3, placeholder: '审核意见（可选）', maxlength: 4000, 'aria-label': '审核意见（可选）' });
    const ok = await modal({
      title: '批量审核通过',
      body: [h('p', `确认所选 ${n} 张自评表审核通过？每张表单独处理，已被他人修改或不能审核的表将被跳过并列出。`), h('label.field', h('span.field-label', '审核意见（可选，记入每张表）'), comment)],
      buttons: [{ label: '取消', value: false }, { label: `通过 ${n} 张`, kind: 'success', value: true }],
    });
    return ok ? (comment.value.trim() ? { comment: comment.value.trim() } : {}) : null;
  }
  if (a.action === 'return') {
    const comment = h('textarea', { rows: 4, placeholder: '退回意见', maxlength: 4000, 'aria-label': '退回意见', oninput: () => comment.classList.remove('invalid') });
    const ok = await modal({
      title: '批量退回',
      body: [h('p', `所选 ${n} 张自评表将退回填报人修改。请填写一条退回意见，它将作为总体意见记入每张表。`), h('label.field', h('span.field-label', '退回意见'), comment)],
      buttons: [{ label: '取消', value: false }, {
        label: `退回 ${n} 张`, kind: 'warning', value: true, onClick: () => {
          if (comment.value.trim()) return true;
          comment.classList.add('invalid');
          comment.focus();
          return false;
        },
      }],
    });
    return ok ? { comment: comment.value.trim() } : null;
  }
  return (await confirmDialog('批量公开', `所选 ${n} 张自评表将随部门决算公开，成为只读。确定公开吗？`, `公开 ${n} 张`)) ? {} : null;
}

function summary(a, results, names) {
  const failed = results.filter((r) => !r.ok);
  const done = results.length - failed.length;
  return modal({
    title: `批量${a.done}结果`,
    body: [
      h('p.bulk-totals', h('span.bulk-ok', `成功 ${done} 项`), '，', h(failed.length ? 'span.bulk-failed' : 'span', `失败 ${failed.length} 项`)),
      failed.length
        ? h('ul.bulk-failures', failed.map((r) => h('li', h('strong', `《${names.get(r.id) ?? r.id}》`), h('span', r.message))))
        : h('p.muted', `所选自评表均已${a.done}。`),
      failed.some((r) => r.code === 'VERSION_CONFLICT') ? h('p.muted.small', '列表已刷新：被他人修改的表可核对后重新选择。') : null,
    ],
    buttons: [{ label: '知道了', kind: 'primary' }],
  });
}
