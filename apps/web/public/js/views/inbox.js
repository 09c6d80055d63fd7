import { api } from '../api.js';
import { h, clear, loading, pageHeader, fmtDateTime, NOTIFICATION_KINDS, toast } from '../dom.js';

export async function renderInbox(ctx) {
  const { main, params } = ctx;
  const onlyUnread = params.get('unread') === '1';
  const body = h('div', loading());
  clear(main).append(
    pageHeader('通知',
      h('a.btn.btn-sm', { href: onlyUnread ? '#/inbox' : '#/inbox?unread=1' }, onlyUnread ? '显示全部' : '只看未读')),
    body);
  let list;
  try {
    list = await api.get('/me/notifications');
  } catch (err) {
    if (!ctx.isCurrent()) return;
    clear(body).append(err.status === 404
      ? h('div.empty', '通知功能尚未启用。')
      : h('div.error-box', err.message));
    return;
  }
  if (!ctx.isCurrent()) return;
  const items = (Array.isArray(list) ? list : (list?.items ?? []))
    .filter((n) => !onlyUnread || !n.readAt)
    .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  const unreadCount = items.filter((n) => !n.readAt).length;
  clear(body);
  if (!items.length) {
    body.append(h('div.empty', onlyUnread ? '没有未读通知。' : '暂无通知。'));
    return;
  }
  const markAll = unreadCount > 0 ? h('button.btn.btn-sm', { type: 'button', onclick: async () => {
    markAll.disabled = true;
    for (const n of items.filter((x) => !x.readAt)) {
      try {
        await api.post(`/me/notifications/${n.id}/read`, {});
      } catch {
        /* keep going */
      }
    }
    ctx.refreshUnread();
    renderInbox(ctx);
  } }, '全部标为已读') : null;
  body.append(
    h('div.toolbar', h('span.muted', `共 ${items.length} 条，未读 ${unreadCount} 条`), markAll),
    h('ul.inbox', items.map((n) => {
      const readBtn = n.readAt ? null : h('button.btn.btn-sm.btn-ghost', { type: 'button' }, '标为已读');
      const li = h(`li.note${n.readAt ? '' : '.note-unread'}`, { 'aria-label': `${n.readAt ? '' : '未读：'}${n.title}` },
        h(`span.kind.kind-${n.kind}`, NOTIFICATION_KINDS[n.kind] ?? n.kind),
        h('div.note-body',
          h('div.note-title', n.evaluationId ? h('a', { href: `#/evaluations/${n.evaluationId}` }, n.title) : n.title),
          n.body ? h('div.note-text', n.body) : null,
          h('div.muted.small', fmtDateTime(n.createdAt), n.readAt ? ` · 已读于 ${fmtDateTime(n.readAt)}` : '')),
        readBtn);
      const markRead = async () => {
        if (n.readAt) return;
        try {
          await api.post(`/me/notifications/${n.id}/read`, {});
          n.readAt = new Date().toISOString();
          li.classList.remove('note-unread');
          li.setAttribute('aria-label', n.title);
          readBtn?.remove();
          ctx.refreshUnread();
        } catch (err) {
          if (err.status !== 401) toast(err.message, 'error');
        }
      };
      readBtn?.addEventListener('click', markRead);
      li.querySelector('a')?.addEventListener('click', () => { markRead(); });
      return li;
    })));
  // A new notice appears without a reload.
  ctx.live.on('notification', () => ctx.isCurrent() && renderInbox(ctx));
}
