// 项目支出绩效自评 — web client. Plain ES modules, hash routing, no build step.
import { api, session, setUnauthorizedHandler } from './js/api.js';
import { h, clear, parseHash, ROLE_LABELS, toast } from './js/dom.js';
import { renderLogin } from './js/views/login.js';
import { renderList } from './js/views/list.js';
import { renderDetail, renderNew } from './js/views/detail.js';
import { renderSummary } from './js/views/summary.js';
import { renderBoard } from './js/views/board.js';
import { renderImport } from './js/views/import.js';
import { renderInbox } from './js/views/inbox.js';
import { renderCycles } from './js/views/cycles.js';
import { renderAdmin } from './js/views/admin.js';

const NAV = [
  { path: '/evaluations', label: '自评表', match: /^\/evaluations/ },
  { path: '/summary', label: '绩效评价明细表', match: /^\/summary/ },
  { path: '/board', label: '看板', match: /^\/board/, roles: ['manager', 'admin'] },
  { path: '/import', label: '导入', match: /^\/import/, roles: ['drafter', 'manager'] },
  { path: '/cycles', label: '评价批次', match: /^\/cycles/, roles: ['manager'] },
  { path: '/admin', label: '单位与用户', match: /^\/admin/, roles: ['admin'] },
  { path: '/inbox', label: '通知', match: /^\/inbox/ },
];

const ROUTES = [
  [/^\/evaluations\/new$/, (ctx) => renderNew(ctx)],
  [/^\/evaluations\/([^/]+)$/, (ctx, m) => renderDetail(ctx, m[1])],
  [/^\/evaluations$/, (ctx) => renderList(ctx)],
  [/^\/summary$/, (ctx) => renderSummary(ctx)],
  [/^\/board$/, (ctx) => renderBoard(ctx), ['manager', 'admin']],
  [/^\/import$/, (ctx) => renderImport(ctx), ['drafter', 'manager']],
  [/^\/inbox$/, (ctx) => renderInbox(ctx)],
  [/^\/cycles$/, (ctx) => renderCycles(ctx), ['manager']],
  [/^\/admin$/, (ctx) => renderAdmin(ctx), ['admin']],
];

const root = document.getElementById('app');
let renderSeq = 0;
let pollTimer = null;
let beforeLeave = null; // () => boolean: false keeps the user on the page (unsaved changes)

setUnauthorizedHandler(() => {
  stopPolling();
  if (!location.hash.startsWith('#/login')) {
    const back = location.hash && !location.hash.startsWith('#/login') ? location.hash.slice(1) : '';
    location.hash = back ? `#/login?next=${encodeURIComponent(back)}` : '#/login';
  }
});

window.addEventListener('hashchange', route);
window.addEventListener('beforeunload', (e) => {
  if (beforeLeave && beforeLeave() === false) {
    e.preventDefault();
    e.returnValue = '';
  }
});

let currentHash = location.hash;
async function route() {
  if (beforeLeave && location.hash !== currentHash) {
    if (beforeLeave() === false && !window.confirm('有未保存的修改，确定离开此页面吗？')) {
      history.replaceState(null, '', currentHash || '#/evaluations');
      return;
    }
  }
  beforeLeave = null;
  currentHash = location.hash;
  const seq = ++renderSeq;
  const { path, params } = parseHash();

  if (!session.token || path === '/login') {
    if (path !== '/login') {
      location.hash = '#/login';
      return;
    }
    stopPolling();
    document.body.classList.add('is-login');
    clear(root).append(renderLogin({ params, onLoggedIn }));
    return;
  }
  document.body.classList.remove('is-login');
  if (path === '/' || path === '') {
    location.hash = '#/evaluations';
    return;
  }
  renderShell(path);
  startPolling();
  const main = document.getElementById('main');
  const found = ROUTES.map(([re, fn, roles]) => [re.exec(path), fn, roles]).find(([m]) => m);
  if (!found) {
    clear(main).append(h('div.empty', '页面不存在。', h('a', { href: '#/evaluations' }, '返回自评表列表')));
    return;
  }
  const [match, fn, roles] = found;
  if (roles && !session.hasRole(...roles)) {
    clear(main).append(h('div.empty', '您没有访问此页面的权限。'));
    return;
  }
  const ctx = {
    params,
    main,
    isCurrent: () => seq === renderSeq,
    setBeforeLeave: (fn2) => {
      beforeLeave = fn2;
    },
    refreshUnread,
    navigate: (hash) => {
      location.hash = hash;
    },
  };
  try {
    await fn(ctx, match);
  } catch (err) {
    if (seq !== renderSeq || err?.status === 401) return;
    clear(main).append(h('div.error-box', h('strong', '加载失败：'), err?.message ?? String(err)));
  }
}

function renderShell(path) {
  let shell = document.getElementById('shell');
  const user = session.user;
  if (!shell) {
    shell = h('div#shell',
      h('header.topbar',
        h('a.brand', { href: '#/evaluations' }, h('span.brand-mark', '绩'), h('span.brand-text', '项目支出绩效自评')),
        h('nav.nav#nav'),
        h('div.userbox',
          h('a.inbox-link#inbox-link', { href: '#/inbox', title: '通知' }, '通知', h('span.unread#unread', { hidden: true })),
          h('span.user-name', user?.displayName ?? user?.username ?? ''),
          h('span.user-roles', (user?.roles ?? []).map((r) => h('span.role', ROLE_LABELS[r] ?? r))),
          h('button.btn.btn-ghost.btn-sm', { type: 'button', onclick: logout }, '退出'))),
      h('main.main#main'));
    clear(root).append(shell);
  }
  const nav = document.getElementById('nav');
  clear(nav).append(
    ...NAV.filter((n) => !n.roles || session.hasRole(...n.roles))
      .filter((n) => n.path !== '/inbox')
      .map((n) => h(`a.nav-item${n.match.test(path) ? '.active' : ''}`, { href: `#${n.path}` }, n.label)),
  );
  document.getElementById('inbox-link').classList.toggle('active', /^\/inbox/.test(path));
}

function onLoggedIn(next) {
  root.textContent = '';
  location.hash = next ? `#${next}` : '#/evaluations';
}

function logout() {
  if (beforeLeave && beforeLeave() === false && !window.confirm('有未保存的修改，确定退出吗？')) return;
  beforeLeave = null;
  session.clear();
  stopPolling();
  root.textContent = '';
  location.hash = '#/login';
  toast('已退出登录');
}

async function refreshUnread() {
  const badge = document.getElementById('unread');
  if (!badge || !session.token) return;
  try {
    const list = await api.get('/me/notifications');
    const items = Array.isArray(list) ? list : (list?.items ?? []);
    const unread = items.filter((n) => !n.readAt).length;
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
  } catch {
    badge.hidden = true; // 404 while the inbox is not deployed yet: no badge
  }
}

function startPolling() {
  if (pollTimer) return;
  refreshUnread();
  pollTimer = setInterval(refreshUnread, 30_000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

async function boot() {
  if (session.token) {
    try {
      const me = await api.get('/auth/me');
      session.save(session.token, { ...session.user, ...me });
    } catch {
      /* 401 handled by the API layer; anything else: keep the stored user */
    }
  }
  route();
}

boot();
