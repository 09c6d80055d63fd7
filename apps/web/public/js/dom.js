// DOM helpers and zh-CN formatting. No innerHTML with data: every text goes through text nodes.

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

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export const STATUS_LABELS = { Draft: '草稿', Submitted: '已提交', Reviewed: '已审核', Published: '已公开' };
export const STATUSES = Object.keys(STATUS_LABELS);
export const ROLE_LABELS = { drafter: '填报人', reviewer: '审核人', manager: '管理员', admin: '系统管理员' };
export const SEVERITY_LABELS = { error: '错误', warning: '警告', info: '提示' };
export const EVENT_LABELS = {
  EvaluationDrafted: '创建草稿',
  EvaluationImported: '导入',
  EvaluationEdited: '修改',
  EvaluationSubmitted: '提交',
  EvaluationApproved: '审核通过',
  EvaluationReturned: '退回',
  EvaluationPublished: '公开',
  EvaluationReopened: '更正',
};
export const NOTIFICATION_KINDS = {
  reminder: '提醒',
  overdue: '逾期',
  escalation: '督办',
  review_requested: '待审核',
  review_overdue: '审核超时',
  returned: '已退回',
  approved: '已通过',
  published: '已公开',
};
export const FUNDS_ROWS = [
  ['total', '年度资金总额'],
  ['currentYear', '其中：当年财政拨款'],
  ['carryOver', '上年结转资金'],
  ['other', '其他资金'],
];
export const FUNDS_COLUMNS = [
  ['initialBudget', '年初预算数'],
  ['fullYearBudget', '全年预算数'],
  ['executed', '全年执行数'],
];
export const HEADER_FIELDS = [
  ['projectName', '项目名称'],
  ['competentDepartment', '主管部门'],
  ['projectLead', '项目负责人'],
  ['contactPhone', '联系电话'],
  ['evaluationMethod', '评价方式'],
  ['fiscalYear', '年度'],
];
export const INDICATOR_FIELDS = [
  ['level1', '一级指标'],
  ['level2', '二级指标'],
  ['name', '三级指标'],
  ['target', '年度指标值'],
  ['actual', '实际完成值'],
  ['weight', '分值'],
  ['score', '得分'],
  ['deviation', '偏差原因分析及改进措施'],
];
export const EVALUATION_METHODS = ['单位自评', '部门评价', '财政评价'];

/** Human label of a form path ("indicators[3].deviation" → "绩效指标第 4 行 · 偏差原因分析及改进措施"). */
export function pathLabel(path) {
  if (!path) return '总体';
  const header = HEADER_FIELDS.find(([k]) => k === path);
  if (header) return header[1];
  if (path === 'funds') return '项目资金';
  if (path === 'goals') return '年度总体目标';
  if (path === 'indicators') return '绩效指标';
  let m = /^funds\.(\w+)(?:\.(\w+))?$/.exec(path);
  if (m) {
    const row = FUNDS_ROWS.find(([k]) => k === m[1])?.[1] ?? m[1];
    const col = m[2] ? FUNDS_COLUMNS.find(([k]) => k === m[2])?.[1] ?? m[2] : null;
    return col ? `${row} · ${col}` : row;
  }
  m = /^goals\.(\w+)$/.exec(path);
  if (m) return m[1] === 'expected' ? '预期目标' : m[1] === 'actual' ? '实际完成情况' : path;
  m = /^indicators\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (m) {
    const col = m[2] ? INDICATOR_FIELDS.find(([k]) => k === m[2])?.[1] ?? m[2] : null;
    return `绩效指标第 ${Number(m[1]) + 1} 行${col ? ` · ${col}` : ''}`;
  }
  m = /^declared\.(\w+)$/.exec(path);
  if (m) return { total: '申报总分', executionRate: '申报执行率', budgetScore: '申报预算得分', budgetWeight: '预算分值' }[m[1]] ?? `申报数 ${m[1]}`;
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

export function gradeBadge(grade) {
  if (!grade) return h('span.muted', '—');
  const cls = { 优: 'a', 良: 'b', 中: 'c', 差: 'd' }[grade] ?? 'x';
  return h(`span.grade.grade-${cls}`, grade);
}

export function findingCounts(f) {
  const errors = f?.errors ?? 0;
  const warnings = f?.warnings ?? 0;
  return h('span.counts',
    h(`span.count${errors ? '.count-error' : '.count-zero'}`, { title: '错误' }, `错误 ${errors}`),
    h(`span.count${warnings ? '.count-warning' : '.count-zero'}`, { title: '警告' }, `警告 ${warnings}`));
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
  if (chosen) return chosen;
  const years = await api.get('/fiscal-years').catch(() => []);
  return String(years[0]?.fiscalYear ?? new Date().getFullYear() - 1);
}
