// 项目支出绩效自评 — web client. Plain ES modules, hash routing, no build step.
import { api, session, setUnauthorizedHandler } from './js/api.js';
import { h, clear, parseHash, ROLE_LABELS, toast, loadVocabulary, loading } from './js/dom.js';
import { live } from './js/live.js';
import { renderLogin } from './js/views/login.js';
import { renderList } from './js/views/list.js';
import { renderDetail, renderNew } from './js/views/detail.js';
import { renderSummary } from './js/views/summary.js';
import { renderBoard } from './js/views/board.js';
import { renderImport } from './js/views/import.js';
import { renderInbox } from './js/views/inbox.js';
import { renderCycles } from './js/views/cycles.js';
import { renderAdmin } from './js/views/admin.js';

// Each role's own work first: a queue with its count, then the shared pages. `may`: the row of the API's access
// tables (GET /api/vocabulary) that opens the entry: who publishes sees 待公开, who keeps the deadlines 逾期.
const NAV = [
  { path: '/evaluations?queue=review', label: '待我审核', queue: 'review', may: 'evaluation.queue.review' },
  { path: '/evaluations?queue=publish', label: '待公开', queue: 'publish', may: 'evaluation.publish' },
  { path: '/evaluations?queue=overdue', label: '逾期', queue: 'overdue', may: 'cycles.cycles.update' },
  { path: '/evaluations?queue=drafts', label: '我的草稿', queue: 'drafts', may: 'evaluation.queue.drafts' },
  { path: '/evaluations', label: '全部自评表', match: /^\/evaluations/ },
  { path: '/summary', label: '绩效评价明细表', match: /^\/summary/ },
  { path: '/board', label: '看板', match: /^\/board/, may: 'reporting.board.read' },
  { path: '/import', label: '导入', match: /^\/import/, may: 'evaluation.import' },
  { path: '/cycles', label: '评价批次', match: /^\/cycles/, may: 'cycles.cycles.update' },
  { path: '/admin', label: '单位与用户', match: /^\/admin/, may: 'identity.users.list' },
];

/**
 * Where a person lands after signing in: the first work list the access tables give them (the queue rows of
 * `/api/vocabulary`'s `access`), else the list of forms. No role is named here.
 */
const LANDING = [
  ['evaluation.queue.review', '#/evaluations?queue=review'],
  ['evaluation.queue.drafts', '#/evaluations?queue=drafts'],
  ['identity.users.list', '#/admin'],
  ['evaluation.queue.publish', '#/evaluations?queue=publish'],
];
function landing() {
  return LANDING.find(([action]) => session.may(action))?.[1] ?? '#/evaluations';
}

const ROUTES = [
  [/^\/evaluations\/new$/, (ctx) => renderNew(ctx)],
  [/^\/evaluations\/([^/]+)$/, (ctx, m) => renderDetail(ctx, m[1])],
  [/^\/evaluations$/, (ctx) => renderList(ctx)],
  [/^\/summary$/, (ctx) => renderSummary(ctx)],
  [/^\/board$/, (ctx) => renderBoard(ctx), 'reporting.board.read'],
  [/^\/import$/, (ctx) => renderImport(ctx), 'evaluation.import'],
  [/^\/inbox$/, (ctx) => renderInbox(ctx)],
  [/^\/cycles$/, (ctx) => renderCycles(ctx), 'cycles.cycles.update'],
  [/^\/admin$/, (ctx) => renderAdmin(ctx), 'identity.users.list'],
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
      const asked = location.hash.slice(1);
      location.hash = asked && asked !== '/' ? `#/login?next=${encodeURIComponent(asked)}` : '#/login';
      return;
    }
    stopPolling();
    document.body.classList.add('is-login');
    clear(root).append(renderLogin({ params, onLoggedIn }));
    return;
  }
  document.body.classList.remove('is-login');
  try {
    await loadVocabulary(api);
  } catch (err) {
    if (err?.status === 401) return;
    clear(root).append(h('div.error-box', h('strong', '加载失败：'), err?.message ?? String(err), ' ', h('a', { href: location.hash, onclick: () => location.reload() }, '重试')));
    return;
  }
  if (seq !== renderSeq) return;
  // The landing page follows the access tables, which come with the vocabulary.
  if (path === '/' || path === '') {
    location.hash = landing();
    return;
  }
  renderShell(path, params);
  startPolling();
  const main = document.getElementById('main');
  const found = ROUTES.map(([re, fn, action]) => [re.exec(path), fn, action]).find(([m]) => m);
  if (!found) {
    clear(main).append(h('div.empty', '页面不存在。', h('a', { href: '#/evaluations' }, '返回自评表列表')));
    return;
  }
  const [match, fn, action] = found;
  if (action && !session.may(action)) {
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
    live,
    navigate: (hash) => {
      location.hash = hash;
    },
  };
  live.clearPageHandlers();
  // The page asked for replaces the last one at once: nothing stale stays clickable while it loads.
  clear(main).append(loading());
  try {
    await fn(ctx, match);
  } catch (err) {
    if (seq !== renderSeq || err?.status === 401) return;
    clear(main).append(h('div.error-box', h('strong', '加载失败：'), err?.message ?? String(err)));
  }
}

function renderShell(path, params) {
  let shell = document.getElementById('shell');
  const user = session.user;
  if (!shell) {
    shell = h('div#shell',
      h('a.skip-link', { href: '#main', onclick: (e) => { e.preventDefault(); document.getElementById('main').focus(); } }, '跳到主要内容'),
      h('header.topbar',
        h('a.brand', { href: '#/', 'aria-label': '项目支出绩效自评 首页' }, h('span.brand-mark', { 'aria-hidden': 'true' }, '绩'), h('span.brand-text', '项目支出绩效自评')),
        h('nav.nav#nav', { 'aria-label': '主导航' }),
        h('div.userbox',
          h('a.inbox-link#inbox-link', { href: '#/inbox' }, '通知', h('span.badge-count#unread', { hidden: true })),
          h('span.user-name', user?.displayName ?? user?.username ?? ''),
          h('span.user-roles', (user?.roles ?? []).map((r) => h('span.role', ROLE_LABELS[r] ?? r))),
          h('button.btn.btn-ghost.btn-sm', { type: 'button', onclick: logout }, '退出'))),
      h('main.main#main', { tabindex: '-1' }));
    clear(root).append(shell);
  }
  const nav = document.getElementById('nav');
  const queue = params?.get('queue') ?? '';
  const isActive = (n) => (n.queue ? path === '/evaluations' && queue === n.queue : n.match?.test(path) && !(path === '/evaluations' && queue));
  clear(nav).append(
    ...NAV.filter((n) => !n.may || session.may(n.may))
      .map((n) => h(`a.nav-item${isActive(n) ? '.active' : ''}`, { href: `#${n.path}`, 'aria-current': isActive(n) ? 'page' : null, dataset: n.queue ? { queue: n.queue } : {} },
        n.label, n.queue ? h('span.nav-count', { hidden: true, dataset: { countFor: n.queue } }) : null)),
  );
  applyQueueCounts();
  document.getElementById('inbox-link').classList.toggle('active', /^\/inbox/.test(path));
}

let queueCounts = null;
function applyQueueCounts(counts = queueCounts) {
  queueCounts = counts;
  if (!counts) return;
  document.querySelectorAll('[data-count-for]').forEach((el) => {
    const n = Number(counts[el.dataset.countFor] ?? 0);
    el.hidden = n === 0;
    el.textContent = n > 99 ? '99+' : String(n);
    el.closest('a')?.setAttribute('aria-label', `${el.closest('a').firstChild.textContent}（${n}）`);
  });
}

async function refreshQueues() {
  if (!session.token) return;
  try {
    applyQueueCounts(await api.get('/me/queues'));
  } catch {
    /* the counts are a hint; the pages themselves show the truth */
  }
}

async function onLoggedIn(next) {
  root.textContent = '';
  if (next) {
    location.hash = `#${next}`;
    return;
  }
  // The landing page follows the access tables (the vocabulary); without them, the list of forms.
  await loadVocabulary(api).catch(() => undefined);
  location.hash = landing();
}

function logout() {
  if (beforeLeave && beforeLeave() === false && !window.confirm('有未保存的修改，确定退出吗？')) return;
  beforeLeave = null;
  session.clear();
  stopPolling();
  queueCounts = null;
  root.textContent = '';
  location.hash = '#/login';
  toast('已退出登录');
}

async function refreshUnread() {
  const badge = document.getElementById('unread');
  if (!badge || !session.token) return;
  try {
    const list = await api.get('/me/notifications', { unread: true });
    const items = Array.isArray(list) ? list : (list?.items ?? []);
    const unread = items.filter((n) => !n.readAt).length;
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    document.getElementById('inbox-link')?.setAttribute('aria-label', unread ? `通知（${unread} 条未读）` : '通知');
  } catch {
    badge.hidden = true;
  }
}

// Live updates arrive by server-sent events; a slow poll is the fallback when the stream is down.
function startPolling() {
  if (pollTimer) return;
  refreshUnread();
  refreshQueues();
  live.start({
    onNotification: () => refreshUnread(),
    onQueues: (counts) => applyQueueCounts(counts),
  });
  pollTimer = setInterval(() => {
    if (live.connected) return;
    refreshUnread();
    refreshQueues();
  }, 30_000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
  live.stop();
}

// Signing out in one tab signs out every tab.
window.addEventListener('storage', (e) => {
  if (e.key === 'pe.accessToken' && !e.newValue && !location.hash.startsWith('#/login')) {
    beforeLeave = null;
    stopPolling();
    root.textContent = '';
    location.hash = '#/login';
  }
});

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
