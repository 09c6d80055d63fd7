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
    h('div.login-hint',
      h('div.hint-title', '演示账号（密码均为 demo1234）'),
      h('div.hint-users',
        ['drafter', 'reviewer', 'manager', 'admin'].map((u) =>
          h('button.chip', { type: 'button', onclick: () => { username.value = u; password.value = 'demo1234'; password.focus(); } },
            h('code', u), ' ', h('span.chip-role', { dataset: { role: u } }))))));
  // The demo users are named after their roles; the role names come from the server's vocabulary.
  loadVocabulary(api).then(() => form.querySelectorAll('[data-role]').forEach((el) => {
    el.textContent = ROLE_LABELS[el.dataset.role] ?? '';
    el.closest('button').setAttribute('aria-label', `以${ROLE_LABELS[el.dataset.role] ?? el.dataset.role}（${el.dataset.role}）身份填入`);
  })).catch(() => {});

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
