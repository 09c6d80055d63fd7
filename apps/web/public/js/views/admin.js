import { api, session } from '../api.js';
import { h, clear, loading, pageHeader, modal, fmtDateTime, toast, confirmDialog, ROLE_LABELS, REVIEW_STEP_LABELS } from '../dom.js';
import { showError } from '../errors.js';

const ROLES = ['drafter', 'reviewer', 'manager', 'admin'];
const USER_FIELD_LABELS = {
  username: '用户名',
  password: '密码',
  displayName: '姓名',
  roles: '角色',
  unitIds: '所属单位',
  departmentIds: '主管部门',
  email: '邮箱',
  active: '状态',
  name: '单位名称',
  competentDepartment: '主管部门',
};

/** The review chains a unit may have (review-chain.ts): the unit's own review, then optionally its 主管部门's. */
const REVIEW_CHAINS = [['unit'], ['unit', 'department']];
const chainKey = (chain) => (chain ?? ['unit']).join(',');
const chainLabel = (chain) => chain.map((step) => REVIEW_STEP_LABELS[step] ?? step).join(' → ');

/** 单位与用户 (admin only): departments, units (their department and review chain), users, failed background jobs. */
export async function renderAdmin(ctx) {
  const { main } = ctx;
  const departmentsBody = h('div', loading());
  const unitsBody = h('div', loading());
  const usersBody = h('div', loading());
  const jobsBody = h('div', loading());
  const state = { units: [], users: [], departments: [] };

  const reloadUsers = async () => {
    try {
      const [units, users, departments] = await Promise.all([api.get('/units'), api.get('/users'), api.get('/departments')]);
      if (!ctx.isCurrent()) return;
      state.units = units ?? [];
      state.users = users ?? [];
      state.departments = departments ?? [];
      drawDepartments();
      drawUnits();
      drawUsers();
    } catch (err) {
      if (!ctx.isCurrent() || err.status === 401) return;
      clear(usersBody).append(h('div.error-box', err.message));
    }
  };

  const drawDepartments = () => {
    clear(departmentsBody).append(departmentForm(async () => reloadUsers()), departmentTable(state));
  };
  const drawUnits = () => {
    clear(unitsBody).append(unitForm(async () => reloadUsers()), unitTable(state, reloadUsers));
  };
  const drawUsers = () => {
    clear(usersBody).append(userTable(state, reloadUsers));
  };

  clear(main).append(
    pageHeader('单位与用户',
      h('a.btn', { href: '/admin/queues', target: '_blank', rel: 'noopener', title: '打开 BullMQ 任务面板（浏览器会要求输入系统管理员的用户名和密码）' }, '后台任务队列 ↗')),
    h('p.muted', '维护主管部门、预算单位和系统用户。填报人须属于单位；审核人属于单位（单位审核）或主管部门（主管部门审核）；停用的用户不能再登录。'),
    h('section.card',
      h('h2.card-title', '主管部门'),
      departmentsBody),
    h('section.card',
      h('h2.card-title', '单位'),
      h('p.muted.small', '审核流程：“单位审核”由本单位审核人审核后即为已审核；“单位审核 → 主管部门审核”再经主管部门审核人审核（须先关联主管部门）。'),
      unitsBody),
    h('section.card',
      h('div.section-head',
        h('h2.section-title', '用户'),
        h('button.btn.btn-primary', { type: 'button', onclick: () => editUser(null, state, reloadUsers) }, '＋ 新建用户')),
      usersBody),
    h('section.card',
      h('div.section-head',
        h('h2.section-title', '失败任务', h('span.small.muted', '重试次数用尽仍未成功的后台任务')),
        h('button.btn.btn-sm', { type: 'button', onclick: () => loadFailedJobs(ctx, jobsBody) }, '刷新')),
      jobsBody));

  await Promise.all([reloadUsers(), loadFailedJobs(ctx, jobsBody)]);
}

/* ---- units --------------------------------------------------------------------------------- */

function unitForm(onCreated) {
  const name = h('input', { name: 'name', maxlength: 200, placeholder: '例如：某某市教育局' });
  const dept = h('input', { name: 'competentDepartment', maxlength: 200, placeholder: '例如：某某市人民政府' });
  const errors = fieldErrors({ name, competentDepartment: dept });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, '新建单位');
  const form = h('form.admin-unit-form', { novalidate: true },
    errors.general,
    h('div.form-grid',
      field('单位名称', name, errors.slot('name')),
      field('主管部门', dept, errors.slot('competentDepartment')),
      h('div.field.field-submit', h('span.field-label', ' '), submit)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.reset();
    const payload = { name: name.value.trim(), competentDepartment: dept.value.trim() };
    if (!payload.name) errors.set('name', ['请填写单位名称']);
    if (!payload.competentDepartment) errors.set('competentDepartment', ['请填写主管部门']);
    if (!payload.name || !payload.competentDepartment) return;
    submit.disabled = true;
    try {
      const unit = await api.post('/units', payload);
      toast(`已新建单位“${unit?.name ?? payload.name}”`, 'success');
      name.value = '';
      dept.value = '';
      await onCreated();
    } catch (err) {
      errors.fromApi(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Per unit its 主管部门 and its review chain, each changed on the spot (PATCH /units/:id). */
function unitTable(state, reload) {
  const { units, departments } = state;
  if (!units.length) return h('div.empty', '还没有单位。');
  // While one change is saved and the table reloaded, every choice waits: a second one made meanwhile would be drawn
  // over by the reload of the first.
  const save = async (unit, patch, select, previous) => {
    const selects = [...select.closest('tbody').querySelectorAll('select')];
    for (const s of selects) s.disabled = true;
    try {
      await api.patch(`/units/${unit.id}`, patch);
      toast(`已保存“${unit.name}”`, 'success');
      await reload();
    } catch (err) {
      select.value = previous;
      for (const s of selects) s.disabled = false;
      showError(err);
    }
  };
  return h('div.table-wrap.admin-table',
    h('table.table',
      h('thead', h('tr', h('th', '单位名称'), h('th', '主管部门'), h('th', '审核流程'), h('th', '创建时间'))),
      h('tbody', units.map((u) => {
        const known = departments.some((d) => d.id === u.departmentId);
        const department = h('select', { 'aria-label': `${u.name}的主管部门` },
          h('option', { value: '', selected: !u.departmentId }, '（未关联）'),
          departments.map((d) => h('option', { value: d.id, selected: d.id === u.departmentId }, d.name)),
          u.departmentId && !known ? h('option', { value: u.departmentId, selected: true }, u.competentDepartment) : null);
        department.addEventListener('change', () => save(u, { departmentId: department.value || null }, department, u.departmentId ?? ''));
        const chain = h('select', { 'aria-label': `${u.name}的审核流程` },
          REVIEW_CHAINS.map((c) => h('option', {
            value: chainKey(c),
            selected: chainKey(c) === chainKey(u.reviewChain),
            disabled: c.includes('department') && !u.departmentId,
          }, chainLabel(c) + (c.includes('department') && !u.departmentId ? '（须先关联主管部门）' : ''))));
        chain.addEventListener('change', () => save(u, { reviewChain: chain.value.split(',') }, chain, chainKey(u.reviewChain)));
        return h('tr',
          h('td', u.name),
          h('td', department),
          h('td', chain),
          h('td.nowrap', fmtDateTime(u.createdAt)));
      }))));
}

/* ---- departments ---------------------------------------------------------------------------- */

function departmentForm(onCreated) {
  const name = h('input', { name: 'name', maxlength: 200, placeholder: '例如：中共北京市委老干部局', 'aria-label': '主管部门名称' });
  const errors = fieldErrors({ name });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, '新建主管部门');
  const form = h('form.admin-unit-form', { novalidate: true },
    errors.general,
    h('div.form-grid',
      field('主管部门名称', name, errors.slot('name')),
      h('div.field.field-submit', h('span.field-label', ' '), submit)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.reset();
    const payload = { name: name.value.trim() };
    if (!payload.name) {
      errors.set('name', ['请填写主管部门名称']);
      return;
    }
    submit.disabled = true;
    try {
      const department = await api.post('/departments', payload);
      toast(`已新建主管部门“${department?.name ?? payload.name}”`, 'success');
      name.value = '';
      await onCreated();
    } catch (err) {
      if (err.code === 'DEPARTMENT_EXISTS') errors.set('name', [err.message]);
      else errors.fromApi(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function departmentTable(state) {
  const { departments, units } = state;
  if (!departments.length) return h('div.empty', '还没有主管部门。');
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return h('div.table-wrap.admin-table',
    h('table.table',
      h('thead', h('tr', h('th', '主管部门'), h('th', '所辖单位'), h('th', '创建时间'))),
      h('tbody', departments.map((d) => h('tr',
        h('td', d.name),
        h('td', d.unitIds.length
          ? d.unitIds.map((id, i) => [i ? '、' : null, unitName.get(id) ?? h('span.muted', { title: id }, '（未知单位）')])
          : h('span.muted', '—')),
        h('td.nowrap', fmtDateTime(d.createdAt)))))));
}

/* ---- users --------------------------------------------------------------------------------- */

function userTable(state, reload) {
  const { users, units, departments } = state;
  if (!users.length) return h('div.empty', '还没有用户。');
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const me = session.user?.id;
  return h('div.table-wrap',
    h('table.table',
      h('thead', h('tr', h('th', '用户名'), h('th', '姓名'), h('th', '角色'), h('th', '所属单位'), h('th', '主管部门'), h('th', '邮箱'), h('th', '状态'), h('th', '操作'))),
      h('tbody', users.map((u) => h(`tr${u.active ? '' : '.row-inactive'}`,
        h('td', h('code', u.username)),
        h('td', u.displayName),
        h('td', h('span.badges', (u.roles ?? []).map((r) => h('span.badge.role-badge', ROLE_LABELS[r] ?? r)))),
        h('td', (u.unitIds ?? []).length
          ? (u.unitIds ?? []).map((id, i) => [i ? '、' : null, unitName.get(id) ?? h('span.muted', { title: id }, '（未知单位）')])
          : h('span.muted', '—')),
        h('td', (u.departmentIds ?? []).length
          ? u.departmentIds.map((id, i) => [i ? '、' : null, departmentName.get(id) ?? h('span.muted', { title: id }, '（未知主管部门）')])
          : h('span.muted', '—')),
        h('td', u.email || h('span.muted', '—')),
        h('td.nowrap', u.active ? h('span.badge.user-active', '启用') : h('span.badge.user-inactive', '停用')),
        h('td.nowrap',
          h('button.btn.btn-sm', { type: 'button', onclick: () => editUser(u, state, reload) }, '修改'), ' ',
          h(`button.btn.btn-sm${u.active ? '.btn-danger' : '.btn-success'}`, {
            type: 'button',
            disabled: u.id === me && u.active,
            title: u.id === me && u.active ? '不能停用自己的账号' : null,
            onclick: (e) => toggleActive(u, e.currentTarget, reload),
          }, u.active ? '停用' : '启用')))))));
}

async function toggleActive(user, button, reload) {
  const activate = !user.active;
  if (!activate) {
    const ok = await confirmDialog('停用用户', `停用后“${user.displayName}（${user.username}）”将不能再登录。确定停用吗？`, '停用', 'danger');
    if (!ok) return;
  }
  button.disabled = true;
  try {
    await api.patch(`/users/${user.id}`, { active: activate });
    toast(activate ? `已启用 ${user.username}` : `已停用 ${user.username}`, 'success');
    await reload();
  } catch (err) {
    button.disabled = false;
    showError(err);
  }
}

function editUser(user, state, reload) {
  const isNew = !user;
  const username = h('input', { name: 'username', value: user?.username ?? '', maxlength: 64, autocomplete: 'off', readOnly: !isNew });
  const displayName = h('input', { name: 'displayName', value: user?.displayName ?? '', maxlength: 100 });
  const email = h('input', { name: 'email', type: 'email', value: user?.email ?? '', maxlength: 200, placeholder: '可不填' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', placeholder: isNew ? '至少 10 个字符' : '留空则不修改' });
  const active = h('input', { type: 'checkbox', checked: user ? user.active : true });
  const roleBoxes = ROLES.map((r) => h('input', { type: 'checkbox', value: r, checked: user?.roles?.includes(r) ?? r === 'drafter' }));
  const unitBoxes = state.units.map((u) => h('input', { type: 'checkbox', value: u.id, checked: user?.unitIds?.includes(u.id) ?? false }));
  const unknownUnits = (user?.unitIds ?? []).filter((id) => !state.units.some((u) => u.id === id));
  const departmentBoxes = state.departments.map((d) => h('input', { type: 'checkbox', value: d.id, checked: user?.departmentIds?.includes(d.id) ?? false }));
  const unknownDepartments = (user?.departmentIds ?? []).filter((id) => !state.departments.some((d) => d.id === id));

  const roleGroup = h('div.check-group', ROLES.map((r, i) => h('label.check', roleBoxes[i], ROLE_LABELS[r])));
  const unitGroup = h('div.check-list',
    state.units.length
      ? state.units.map((u, i) => h('label.check', unitBoxes[i], u.name, h('span.muted.small', ` · ${u.competentDepartment}`)))
      : h('span.muted', '还没有单位，请先新建单位。'));
  const departmentGroup = h('div.check-list',
    state.departments.length
      ? state.departments.map((d, i) => h('label.check', departmentBoxes[i], d.name, h('span.muted.small', ` · ${d.unitIds.length} 个单位`)))
      : h('span.muted', '还没有主管部门。'));
  const errors = fieldErrors({ username, displayName, email, password, roles: roleGroup, unitIds: unitGroup, departmentIds: departmentGroup });

  const body = h('div',
    errors.general,
    h('div.form-grid.form-grid-2',
      field('用户名', username, errors.slot('username'), isNew ? '2–64 个字符，创建后不可修改' : '用户名不可修改'),
      field('姓名', displayName, errors.slot('displayName')),
      field(isNew ? '初始密码' : '重设密码', password, errors.slot('password'), isNew ? '至少 10 个字符，可用一句好记的话；不能含用户名或是常见密码' : '留空则不修改；新密码至少 10 个字符'),
      field('邮箱', email, errors.slot('email'), '用于接收提醒，可不填'),
      h('div.field.field-wide', h('span.field-label', '角色'), roleGroup, errors.slot('roles')),
      h('div.field.field-wide', h('span.field-label', '所属单位'), unitGroup,
        h('span.hint', '填报人须至少属于一个单位；单位的审核人在此选择单位'), errors.slot('unitIds')),
      h('div.field.field-wide', h('span.field-label', '主管部门'), departmentGroup,
        h('span.hint', '主管部门审核人：可查看所选主管部门下所有单位的自评表，并承担审核流程中的“主管部门审核”'), errors.slot('departmentIds')),
      isNew ? null : h('div.field.field-wide', h('label.check', active, '启用（取消勾选即停用，停用后不能登录）'))));

  const read = () => ({
    username: username.value.trim(),
    displayName: displayName.value.trim(),
    email: email.value.trim(),
    password: password.value,
    roles: roleBoxes.filter((b) => b.checked).map((b) => b.value),
    unitIds: [...unitBoxes.filter((b) => b.checked).map((b) => b.value), ...unknownUnits],
    departmentIds: [...departmentBoxes.filter((b) => b.checked).map((b) => b.value), ...unknownDepartments],
    active: active.checked,
  });

  const check = (v) => {
    const problems = [
      [isNew && v.username.length < 2, 'username', '用户名至少 2 个字符'],
      [!v.displayName, 'displayName', '请填写姓名'],
      [(isNew || v.password) && [...v.password].length < 10, 'password', '密码至少 10 个字符（可用一句好记的话作密码）'],
      [!v.roles.length, 'roles', '请至少选择一个角色'],
      [v.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email), 'email', '邮箱格式不正确'],
    ].filter(([bad]) => bad);
    for (const [, name, message] of problems) errors.set(name, [message]);
    return problems.length === 0;
  };

  return modal({
    title: isNew ? '新建用户' : `修改用户 ${user.username}`,
    wide: true,
    body,
    buttons: [{ label: '取消' }, {
      label: isNew ? '创建' : '保存',
      kind: 'primary',
      onClick: async () => {
        errors.reset();
        const v = read();
        if (!check(v)) return false;
        try {
          if (isNew) {
            const payload = { username: v.username, password: v.password, displayName: v.displayName, roles: v.roles, unitIds: v.unitIds, departmentIds: v.departmentIds };
            if (v.email) payload.email = v.email;
            await api.post('/users', payload);
            toast(`已创建用户 ${v.username}`, 'success');
          } else {
            const patch = changedFields(user, v);
            if (!Object.keys(patch).length) {
              toast('没有修改');
              return true;
            }
            await api.patch(`/users/${user.id}`, patch);
            toast(`已保存 ${user.username}`, 'success');
          }
          await reload();
          return true;
        } catch (err) {
          errors.fromApi(err);
          return false;
        }
      },
    }],
  });
}

function sameSet(a = [], b = []) {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Only what the admin changed: {displayName, roles, unitIds, departmentIds, email, active, password}. */
function changedFields(user, v) {
  const patch = {};
  if (v.displayName !== user.displayName) patch.displayName = v.displayName;
  if (!sameSet(v.roles, user.roles)) patch.roles = v.roles;
  if (!sameSet(v.unitIds, user.unitIds)) patch.unitIds = v.unitIds;
  if (!sameSet(v.departmentIds, user.departmentIds)) patch.departmentIds = v.departmentIds;
  if (v.email !== (user.email ?? '')) patch.email = v.email || null;
  if (v.active !== user.active) patch.active = v.active;
  if (v.password) patch.password = v.password;
  return patch;
}

/* ---- failed jobs --------------------------------------------------------------------------- */

async function loadFailedJobs(ctx, box) {
  clear(box).append(loading());
  let jobs;
  try {
    jobs = await api.get('/admin/failed-jobs');
  } catch (err) {
    if (!ctx.isCurrent() || err.status === 401) return;
    clear(box).append(h('div.error-box', err.status === 404 ? '失败任务查询尚未启用。' : err.message));
    return;
  }
  if (!ctx.isCurrent()) return;
  const list = Array.isArray(jobs) ? jobs : [];
  clear(box);
  if (!list.length) {
    box.append(h('div.empty', '没有失败的任务'));
    return;
  }
  list.sort((a, b) => String(b.finishedOn ?? '').localeCompare(String(a.finishedOn ?? '')));
  box.append(h('div.table-wrap',
    h('table.table',
      h('thead', h('tr', h('th', '队列'), h('th', '任务'), h('th', '失败原因'), h('th.num', '已尝试次数'), h('th', '失败时间'))),
      h('tbody', list.map((j) => h('tr',
        h('td', h('code', j.queue)),
        h('td', j.name, h('span.small.muted', ` #${j.id}`)),
        h('td.failed-reason', { title: j.failedReason ?? '' }, j.failedReason || '—'),
        h('td.num', j.attemptsMade ?? '—'),
        h('td.nowrap', fmtDateTime(j.finishedOn))))))));
}

/** Class-validator's English messages for the fields of this screen, in Chinese; anything else as sent. */
function zhMessage(message) {
  const m = String(message ?? '');
  let x;
  if (/must be an email/.test(m)) return '邮箱格式不正确';
  if ((x = /longer than or equal to (\d+)/.exec(m))) return `至少 ${x[1]} 个字符`;
  if ((x = /shorter than or equal to (\d+)/.exec(m))) return `最多 ${x[1]} 个字符`;
  if ((x = /at least (\d+) elements?/.exec(m))) return `至少选择 ${x[1]} 项`;
  if ((x = /not more than (\d+) elements?/.exec(m))) return `最多选择 ${x[1]} 项`;
  if (/must be one of the following values/.test(m)) return '取值无效';
  if (/must be a UUID/.test(m)) return '单位无效';
  if (/should not exist/.test(m)) return '不允许的字段';
  if (/should not be empty|must be a string/.test(m)) return '请填写此项';
  return m;
}

/* ---- form helpers --------------------------------------------------------------------------- */

function field(label, control, errorSlot, hint) {
  return h('label.field', h('span.field-label', label), control, hint ? h('span.hint', hint) : null, errorSlot);
}

/**
 * Per-field error slots plus a general box. fromApi() puts VALIDATION_FAILED messages next to their inputs
 * (unknown fields go to the general list) and any other API error message into the general box.
 */
function fieldErrors(controls) {
  const slots = {};
  const general = h('div.form-error', { hidden: true, role: 'alert' });
  const slot = (name) => {
    slots[name] = h('span.field-error', { hidden: true });
    return slots[name];
  };
  const mark = (name, on) => {
    const c = controls[name];
    if (c) c.classList.toggle('invalid', on);
  };
  const api = {
    general,
    slot,
    reset() {
      general.hidden = true;
      clear(general);
      for (const [name, s] of Object.entries(slots)) {
        s.hidden = true;
        s.textContent = '';
        mark(name, false);
      }
    },
    /** Returns true when shown next to an input. */
    set(name, messages) {
      const s = slots[name];
      if (!s) return false;
      s.textContent = messages.join('；');
      s.hidden = false;
      mark(name, true);
      return true;
    },
    fromApi(err) {
      if (!err || err.status === 401) return;
      const fields = Array.isArray(err.details?.fields) ? err.details.fields : null; // VALIDATION_FAILED, WEAK_PASSWORD
      if (!fields) {
        general.textContent = err.message || '操作失败';
        general.hidden = false;
        return;
      }
      const rest = [];
      for (const f of fields) {
        const base = String(f.field ?? '').split(/[.[]/)[0];
        if (!api.set(base, (f.messages ?? []).map(zhMessage))) rest.push({ ...f, messages: (f.messages ?? []).map(zhMessage) });
      }
      clear(general).append(h('div', err.message || '填写有误'));
      if (rest.length) {
        general.append(h('ul.field-errors', rest.map((f) => h('li', h('strong', USER_FIELD_LABELS[f.field] ?? f.field ?? '总体'), '：', (f.messages ?? []).join('；')))));
      }
      general.hidden = false;
    },
  };
  return api;
}
