import { api, session } from '../api.js';
import { h, loadVocabulary, ROLE_LABELS } from '../dom.js';

export function renderLogin({ params, onLoggedIn }) {
  const username = h('input#username', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('div.form-error', { hidden: true, role: 'alert' });
  const submit = h('button.btn.btn-primary.btn-block', { type: 'submit' }, '登录');

  const form = h('form.login-card', { novalidate: true },
    h('div.login-brand', h('span.brand-mark.brand-mark-lg', '绩'), h('div', h('h1', '项目支出绩效自评系统'), h('p.muted', '预算单位项目支出绩效自评表 · 填报 · 审核 · 公开'))),
    h('label.field', { for: 'username' }, h('span.field-label', '用户名'), username),
    h('label.field', h('span.field-label', '密码'), password),
    error,
    submit,
    h('div.login-hint', { hidden: true }));
  // The demo's accounts, where the demo is seeded (the server says which, and the password only if it is the default).
  const hint = form.querySelector('.login-hint');
  Promise.all([api.get('/auth/demo-accounts'), loadVocabulary(api)]).then(([demo]) => {
    if (!demo.accounts.length) return;
    hint.append(
      h('div.hint-title', demo.password ? `演示账号（密码均为 ${demo.password}）` : '演示账号'),
      h('div.hint-users', demo.accounts.map((a) => {
        const role = a.roles.map((r) => ROLE_LABELS[r] ?? r).join('、') + (a.department ? '（主管部门）' : '');
        return h('button.chip', { type: 'button', 'aria-label': `以${role}（${a.username}）身份填入`, onclick: () => {
          username.value = a.username;
          if (demo.password) password.value = demo.password;
          password.focus();
        } }, h('code', a.username), ' ', role);
      })));
    hint.hidden = false;
  }).catch(() => {});

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      error.textContent = '请输入用户名和密码';
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = '正在登录…';
    try {
      const result = await api.post('/auth/login', { username: username.value.trim(), password: password.value });
      session.save(result.accessToken, result.user);
      const next = params.get('next');
      onLoggedIn(next && next.startsWith('/') && !next.startsWith('/login') ? next : null);
    } catch (err) {
      error.textContent = err.code === 'ACCOUNT_DISABLED' ? (err.message || '账号已停用') : err.status === 401 ? '用户名或密码错误' : err.message;
      error.hidden = false;
    } finally {
      submit.disabled = false;
      submit.textContent = '登录';
    }
  });
  return h('div.login-page', form, h('p.login-foot', '所有时间均按北京时间显示'));
}
