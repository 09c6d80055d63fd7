// Talks to the API under /api with the bearer token kept in localStorage (one sign-in for every tab).
const TOKEN_KEY = 'pe.accessToken';
const USER_KEY = 'pe.user';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `请求失败（HTTP ${status}）`);
    this.status = status;
    this.code = body?.code ?? `HTTP_${status}`;
    this.details = body?.details;
    this.body = body;
  }
}

/** The API's access tables (`<context>.<action>` → role → unit scope) and each role's unit scope, from /vocabulary. */
export const ACCESS = {};
export const UNIT_SCOPE = {};

export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  get user() {
    try {
      return JSON.parse(localStorage.getItem(USER_KEY) ?? 'null');
    } catch {
      return null;
    }
  },
  save(token, user) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
  },
  hasRole(...roles) {
    const user = this.user;
    return Boolean(user && roles.some((r) => user.roles?.includes(r)));
  },
  /** What the API's table grants this user for `action` (in `unitId`'s unit when given); the API checks again. */
  may(action, unitId) {
    const user = this.user;
    const row = ACCESS[action] ?? {};
    const seesAll = (user?.roles ?? []).some((r) => UNIT_SCOPE[r] === 'all units');
    return (user?.roles ?? []).some((role) => {
      const scope = row[role];
      if (!scope) return false;
      if (unitId === undefined || scope === 'all units') return true;
      const own = Boolean(user.unitIds?.includes(unitId));
      // Visible units: also the units of the person's 主管部门 (departmentUnitIds, as of their sign-in).
      return scope === 'own units' ? own : own || seesAll || Boolean(user.departmentUnitIds?.includes(unitId));
    });
  },
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function request(method, path, { body, text, form, query, raw = false } = {}) {
  const url = new URL(`/api${path}`, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let payload;
  if (form !== undefined) {
    payload = form; // FormData: the browser sets multipart/form-data with its boundary
  } else if (text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    payload = text;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: '无法连接服务器，请检查网络后重试' });
  }
  if (response.status === 401 && path !== '/auth/login') {
    session.clear();
    onUnauthorized();
    throw new ApiError(401, { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' });
  }
  if (!response.ok) {
    let errorBody = null;
    try {
      errorBody = await response.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, errorBody);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  return type.includes('application/json') ? response.json() : response.text();
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body, query) => request('POST', path, { body, query }),
  put: (path, body) => request('PUT', path, { body }),
  patch: (path, body) => request('PATCH', path, { body }),
  delete: (path) => request('DELETE', path),
  postText: (path, text, query) => request('POST', path, { text, query }),
  upload: (path, form, query) => request('POST', path, { form, query }),
  raw: (path, query) => request('GET', path, { query, raw: true }),
};

/** Fetches a file with the token and saves it under the server's file name (or the fallback). */
export async function download(path, query, fallbackName) {
  const response = await api.raw(path, query);
  const blob = await response.blob();
  const name = fileNameFrom(response.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileNameFrom(disposition) {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1] : null;
}
