// DOM helpers and zh-CN formatting. No innerHTML with data: every text goes through text nodes.
import { ACCESS, UNIT_SCOPE } from './api.js';

/** h('div.card#x', {onclick, class, dataset...}, ...children) */
export function h(tag, attrs, ...children) {
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = document.createElement(name || 'div');
  for (const part of rest) {
    if (part.startsWith('.')) el.classList.add(part.slice(1));
    else if (part.startsWith('#')) el.id = part.slice(1);
  }
  if (attrs !== null && attrs !== undefined && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = [el.className, value].filter(Boolean).join(' ');
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'readOnly' || key === 'hidden') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Empties `el`; `.append(...)` on the answer skips null/false children (Element.append would print "null"). */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return {
    append: (...children) => {
      append(el, children);
      return el;
    },
  };
}

// The labels and rule data come from the server (GET /api/vocabulary): one vocabulary for both.
// These containers are filled by loadVocabulary() before the first page renders.
export const STATUS_LABELS = {};
export const STATUSES = [];
export const ROLE_LABELS = {};
export const REVIEW_STEP_LABELS = {};
export const SEVERITY_LABELS = {};
/** Labels that are not tables: `submissionGap` (待填写). */
export const LABELS = { submissionGap: '' };
export const EVENT_LABELS = {};
export const NOTIFICATION_KINDS = {};
export const FUNDS_ROWS = [];
export const FUNDS_COLUMNS = [];
export const HEADER_FIELDS = [];
export const INDICATOR_FIELDS = [];
export const EVALUATION_METHODS = [];
export const RULE_SETS = {};

let vocabularyLoaded = null;
/** Fetches the vocabulary once per page load (the API caches it); later calls share the first answer. */
export function loadVocabulary(api) {
  vocabularyLoaded ??= api.get('/vocabulary').then((v) => {
    Object.assign(STATUS_LABELS, v.statuses);
    STATUSES.splice(0, STATUSES.length, ...Object.keys(v.statuses));
    Object.assign(ROLE_LABELS, v.roles);
    Object.assign(REVIEW_STEP_LABELS, v.reviewSteps);
    Object.assign(ACCESS, v.access);
    Object.assign(UNIT_SCOPE, v.unitScope);
    Object.assign(SEVERITY_LABELS, v.severities);
    LABELS.submissionGap = v.submissionGap;
    Object.assign(EVENT_LABELS, v.events);
    Object.assign(NOTIFICATION_KINDS, v.notificationKinds);
    FUNDS_ROWS.splice(0, FUNDS_ROWS.length, ...v.fundsRows);
    FUNDS_COLUMNS.splice(0, FUNDS_COLUMNS.length, ...v.fundsColumns);
    HEADER_FIELDS.splice(0, HEADER_FIELDS.length, ...v.headerFields);
    INDICATOR_FIELDS.splice(0, INDICATOR_FIELDS.length, ...v.indicatorFields);
    EVALUATION_METHODS.splice(0, EVALUATION_METHODS.length, ...v.evaluationMethods);
    Object.assign(RULE_SETS, v.ruleSets);
    return v;
  }).catch((err) => {
    vocabularyLoaded = null;
    throw err;
  });
  return vocabularyLoaded;
}

/** The rule data of a form's rule set (level lists, budget weight), or of the only/first one. */
export function ruleSetOf(id) {
  return RULE_SETS[id] ?? Object.values(RULE_SETS)[0] ?? { budgetWeight: null, level1: [], level2: {} };
}

/**
 * The place a form path names, as the page labels it: the accessible name of the control or cell
 * that carries `data-path` (built from the vocabulary), walking up to the parent path when needed.
 */
export function placeOf(path) {
  let p = path;
  while (p) {
    const el = document.querySelector(`[data-path="${CSS.escape(p)}"]`);
    const name = el?.getAttribute('aria-label') ?? el?.dataset.place;
    if (name) return name;
    const next = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (next === p) break;
    p = next;
  }
  return path;
}

const BEIJING = 'Asia/Shanghai';
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: BEIJING, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "2022-03-31 18:00" in Beijing time. */
export function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = Object.fromEntries(dateTimeFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d).replace(/\//g, '-');
}

/** ISO instant → value for <input type="datetime-local"> in Beijing time (UTC+8, no DST). */
export function isoToBeijingInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}

/** <input type="datetime-local"> value read as Beijing time → ISO instant. */
export function beijingInputToIso(value) {
  if (!value) return null;
  const d = new Date(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Scores and rates are 2-decimal numbers from the API. Amounts never pass through here: they stay strings. */
export function fmtScore(n) {
  return n === null || n === undefined ? '—' : Number(n).toFixed(2);
}

export function fmtAmount(s) {
  return s === null || s === undefined || s === '' ? '—' : String(s);
}

export function statusBadge(status, returned) {
  return h('span.badges',
    h(`span.badge.status-${String(status).toLowerCase()}`, STATUS_LABELS[status] ?? status),
    returned ? h('span.badge.status-returned', '已退回') : null);
}

/** A grade; `provisional` when blocking errors stand (e.g. a total above 100): shown, but not as final. */
export function gradeBadge(grade, provisional = false) {
  if (!grade) return h('span.muted', '—');
  const cls = { 优: 'a', 良: 'b', 中: 'c', 差: 'd' }[grade] ?? 'x';
  return provisional
    ? h('span.grade-wrap', { title: '存在错误，等级为暂定' }, h(`span.grade.grade-${cls}.grade-provisional`, grade), h('span.provisional', '暂定'))
    : h(`span.grade.grade-${cls}`, grade);
}

const DAY = 86_400_000;
/** "还剩 3 天" / "还剩 5 小时" / "已逾期 2 天" between now and an instant. */
export function countdown(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const amount = abs >= DAY ? `${Math.floor(abs / DAY)} 天` : abs >= 3_600_000 ? `${Math.floor(abs / 3_600_000)} 小时` : `${Math.max(1, Math.floor(abs / 60_000))} 分钟`;
  return ms >= 0 ? `还剩 ${amount}` : `已逾期 ${amount}`;
}

/** "已等待 2 天" since an instant. */
export function waited(iso, now = Date.now()) {
  const ms = Math.max(0, now - new Date(iso).getTime());
  if (ms >= DAY) return `已等待 ${Math.floor(ms / DAY)} 天`;
  if (ms >= 3_600_000) return `已等待 ${Math.floor(ms / 3_600_000)} 小时`;
  return `已等待 ${Math.floor(ms / 60_000)} 分钟`;
}

/** The deadline that applies to a form now ({kind, at, cycleName} from the API): date and countdown. */
export function deadlineCell(deadline) {
  if (!deadline) return h('span.muted', '—');
  const late = new Date(deadline.at).getTime() < Date.now();
  return h(`span.deadline${late ? '.deadline-late' : ''}`, { title: `${deadline.cycleName ?? ''}${deadline.kind === 'review' ? '审核截止' : '填报截止'}` },
    h('span.deadline-at', `${deadline.kind === 'review' ? '审核' : '填报'}截止 ${fmtDateTime(deadline.at)}`),
    h('span.deadline-left', countdown(deadline.at)));
}

export function findingCounts(f) {
  const errors = f?.errors ?? 0;
  const warnings = f?.warnings ?? 0;
  return h('span.counts',
    h(`span.count${errors ? '.count-error' : '.count-zero'}`, { title: '错误' }, `错误 ${errors}`),
    h(`span.count${warnings ? '.count-warning' : '.count-zero'}`, { title: '警告' }, `警告 ${warnings}`),
    // A Draft that cannot be submitted yet for what is still empty (a list item's `findings.missing`).
    f?.missing ? h('span.count.count-missing', { title: '提交前还需填写的项' }, `${LABELS.submissionGap} ${f.missing}`) : null);
}

let toastTimer;
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.className = `toast toast-${kind} show`;
  el.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), kind === 'error' ? 6000 : 3000);
}

/**
 * A modal dialog. body: Node(s); buttons: [{label, kind, value, onClick}] — onClick may return false to keep it open
 * (or a promise of false). Resolves with the pressed button's value (or null when dismissed).
 */
export function modal({ title, body, buttons = [{ label: '关闭', value: null }], wide = false }) {
  return new Promise((resolve) => {
    const dialog = h(`dialog.modal${wide ? '.modal-wide' : ''}`);
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const footer = h('div.modal-actions');
    for (const b of buttons) {
      const btn = h(`button.btn${b.kind ? `.btn-${b.kind}` : ''}`, { type: 'button' }, b.label);
      btn.addEventListener('click', async () => {
        if (b.onClick) {
          btn.disabled = true;
          try {
            const keep = (await b.onClick()) === false;
            if (keep) return;
          } finally {
            btn.disabled = false;
          }
        }
        close(b.value ?? null);
      });
      footer.append(btn);
    }
    dialog.append(h('div.modal-head', h('h3', title)), h('div.modal-body', body), footer);
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function confirmDialog(title, message, okLabel = '确定', kind = 'primary') {
  return modal({
    title,
    body: h('p', message),
    buttons: [{ label: '取消', value: false }, { label: okLabel, kind, value: true }],
  });
}

export function loading() {
  return h('div.loading', h('span.spinner'), '正在加载…');
}

export function emptyState(text) {
  return h('div.empty', text);
}

/** Parse "#/path?x=1" into {path, params}. */
export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path: path || '/', params: new URLSearchParams(query) };
}

export function hashOf(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function pageHeader(title, ...actions) {
  return h('div.page-head', h('h1', title), h('div.page-actions', ...actions));
}

export function yearOptions(selected, { allLabel = '全部年度' } = {}) {
  const now = new Date().getFullYear();
  const years = [];
  for (let y = now; y >= 2018; y--) years.push(y);
  if (selected && !years.includes(Number(selected))) years.push(Number(selected));
  return [
    allLabel ? h('option', { value: '' }, allLabel) : null,
    ...years.map((y) => h('option', { value: String(y), selected: String(y) === String(selected ?? '') }, `${y} 年度`)),
  ];
}

/** The year a page opens on: the one in the address, else the newest year that has forms, else last year. */
export async function defaultFiscalYear(params, api) {
  const chosen = params.get('fiscalYear');
  if (chosen === 'all') return ''; // 全部年度, kept in the address so the choice does not snap back
  if (chosen) return chosen;
  const years = await api.get('/fiscal-years').catch(() => []);
  return String(years[0]?.fiscalYear ?? new Date().getFullYear() - 1);
}
