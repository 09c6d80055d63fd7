// 自上次审核以来的修改: on a resubmitted form, what changed since the reviewer last looked (GET /evaluations/:id/changes),
// highlighted in the form, and how each return comment was followed up (with 标记为已解决).
import { api, session } from '../api.js';
import { h, clear, placeOf } from '../dom.js';

/** The events that close a review (a return, an approval, a step of the review chain). */
const REVIEW_EVENTS = new Set(['EvaluationApproved', 'EvaluationReturned', 'EvaluationStepApproved']);
const NOTE_CHARS = 60;

/**
 * Puts the panel above the form and marks the changes in it. `act(label, path, body)` is the form page's command
 * runner (it sends the expected version and reloads); `highlight(path)` locates a place in the form.
 */
export async function renderChanges({ view, formArea, act, highlight, isCurrent }) {
  const panel = h('section.card.changes-panel', { 'aria-label': '自上次审核以来的修改' }, h('h3.card-title', '自上次审核以来的修改'), h('p.muted', '正在对比…'));
  formArea.before(panel);
  let found;
  try {
    found = await changesSinceLastReview(view.id);
  } catch (err) {
    clear(panel).append(h('h3.card-title', '自上次审核以来的修改'), h('div.error-box', err.message));
    return;
  }
  if (!isCurrent()) return;
  if (!found) {
    panel.remove(); // never reviewed: a first submission, nothing to compare with
    return;
  }
  const { changes, basis } = found;
  markForm(formArea, changes);
  clear(panel).append(
    h('h3.card-title', '自上次审核以来的修改', h('span.muted.small', `（${basis}：版本号 ${changes.fromVersion} → 当前 ${changes.toVersion}）`)),
    summary(changes),
    changeList(changes, highlight),
    commentFollowUps(view, changes.comments, act, highlight),
  );
}

/**
 * The changes since the reader's own last review; else since the last review by anyone; null if never reviewed.
 * The history says which applies first, so a first review asks nothing that would answer 404.
 */
async function changesSinceLastReview(id) {
  const reviews = await api.get(`/evaluations/${id}/history`, { types: [...REVIEW_EVENTS].join(','), forms: false });
  const mine = reviews.filter((e) => e.actor?.id === session.user?.id).at(-1);
  if (mine) return { changes: await api.get(`/evaluations/${id}/changes`, { sinceMyLastReview: true }), basis: '对比您上次审核' };
  const last = reviews.at(-1);
  if (!last) return null;
  const who = last.actor?.displayName ?? last.actor?.username ?? '审核人';
  return { changes: await api.get(`/evaluations/${id}/changes`, { since: last.version }), basis: `对比上次审核（${who}）` };
}

function summary(changes) {
  const rows = (kind) => changes.rows.filter((r) => r.change === kind).length;
  const parts = [
    changes.fields.length ? `字段修改 ${changes.fields.length} 处` : null,
    rows('changed') ? `指标修改 ${rows('changed')} 行` : null,
    rows('added') ? `新增 ${rows('added')} 行` : null,
    rows('removed') ? `删除 ${rows('removed')} 行` : null,
    changes.attachments.length ? `佐证材料变动 ${changes.attachments.length} 个` : null,
  ].filter(Boolean);
  return h('p.changes-summary', parts.length ? parts.join(' · ') : '自上次审核以来，表中内容没有修改。');
}

function changeList(changes, highlight) {
  const items = [
    ...changes.fields.map((f) => h('li', locate(f.path, f.label, highlight), '：', fromTo(f.before, f.after))),
    ...changes.rows.map((r) => h(`li.row-change.row-change-${r.change}`, rowLine(r, highlight))),
    ...changes.attachments.map((a) => h('li', h(`span.tag.${a.change === 'added' ? 'tag-added' : 'tag-removed'}`, a.change === 'added' ? '新增佐证材料' : '删除佐证材料'),
      ' ', a.fileName ?? a.id, a.target ? h('span.muted.small', `（${placeOf(a.target)}）`) : null)),
  ];
  return items.length ? h('ul.change-list', items) : null;
}

function rowLine(r, highlight) {
  const name = r.fields.find((f) => f.path.endsWith('.name'));
  switch (r.change) {
    case 'added':
      return [h('span.tag.tag-added', '新增'), ' ', locate(`indicators[${r.index}]`, `第 ${r.index + 1} 行`, highlight), `：${name?.after ?? '未命名指标'}`];
    case 'removed':
      return [h('span.tag.tag-removed', '删除'), ` 原第 ${r.index + 1} 行：${name?.before ?? '未命名指标'}`];
    default:
      return [h('span.tag.tag-changed', '修改'), ' ', locate(`indicators[${r.index}]`, `第 ${r.index + 1} 行`, highlight),
        r.previousIndex !== r.index ? h('span.muted.small', `（原第 ${r.previousIndex + 1} 行）`) : null, '：',
        r.fields.map((f, i) => [i ? '；' : '', `${f.label.replace(/^绩效指标第 \d+ 行·/, '')} `, fromTo(f.before, f.after)])];
  }
}

function commentFollowUps(view, comments, act, highlight) {
  if (!comments.length) return null;
  const mayResolve = view.allowedActions.includes('resolveComment');
  return h('div.follow-ups',
    h('h4', '上次退回意见'),
    h('ul.comments', comments.map((c) => h(`li.comment.comment-return.follow-up${c.resolved ? '.follow-up-resolved' : ''}`, { dataset: { commentId: c.id } },
      h('div.comment-head',
        c.target ? locate(c.target, c.place, highlight) : h('span.muted.small', '总体意见'),
        h(`span.badge.${c.targetChanged ? 'target-changed' : 'target-unchanged'}`, c.targetChanged ? '已修改' : '未修改'),
        c.resolved ? h('span.badge.status-reviewed', '已解决') : null),
      h('div.comment-text', c.text),
      !c.resolved && mayResolve
        ? h('button.btn.btn-sm', { type: 'button', 'aria-label': `将意见“${c.text.slice(0, 20)}”标记为已解决`, onclick: (e) => {
          const button = e.currentTarget;
          button.disabled = true;
          act('标记意见已解决', `comments/${encodeURIComponent(c.id)}/resolve`, {}).then((ok) => { if (!ok) button.disabled = false; });
        } }, '标记为已解决')
        : null))));
}

function locate(path, label, highlight) {
  return h('button.link-btn', { type: 'button', title: '在表中定位', onclick: () => highlight(path) }, label);
}

function shown(value) {
  if (value === null || value === undefined || String(value).trim() === '') return '（空）';
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text.length > NOTE_CHARS ? `${text.slice(0, NOTE_CHARS)}…` : text;
}

function fromTo(before, after) {
  return h('span.from-to', h('del.was', shown(before)), ' → ', h('ins.now', shown(after)));
}

/** Marks the changed cells and rows in the rendered form: a class, a tooltip and a small 原值 → 新值 box. */
function markForm(root, changes) {
  const find = (path) => root.querySelector(`[data-path="${CSS.escape(path)}"]`);
  const mark = (path, before, after) => {
    const el = find(path);
    const host = el?.closest('td, .field');
    if (!host) return;
    host.classList.add('changed');
    host.title = `原值：${before ?? '（空）'}\n新值：${after ?? '（空）'}`;
    host.append(h('div.change-note', h('span.change-note-label', '原值'), fromTo(before, after)));
  };
  for (const f of changes.fields) mark(f.path, f.before, f.after);
  for (const r of changes.rows) {
    if (r.change === 'removed') continue;
    const tr = find(`indicators[${r.index}]`);
    tr?.classList.add(r.change === 'added' ? 'row-added' : 'row-changed');
    if (tr && r.change === 'added') tr.title = '自上次审核以来新增的指标';
    if (r.change === 'changed') for (const f of r.fields) mark(f.path, f.before, f.after);
  }
  const tbody = root.querySelector('.table-indicators tbody');
  const columns = tbody?.querySelector('tr.ind-row')?.children.length ?? 9;
  for (const r of changes.rows.filter((x) => x.change === 'removed')) {
    const name = r.fields.find((f) => f.path.endsWith('.name'))?.before ?? '未命名指标';
    tbody?.append(h('tr.row-removed', h('td', { colspan: columns }, h('span.tag.tag-removed', '已删除'), ` 原第 ${r.index + 1} 行：${name}`)));
  }
}
