// The JSON API: one fetch wrapper that sends the CSRF token and turns every failure into an
// ApiError carrying a plain-language sentence (what to do) and the server's own detail.
import { t } from './i18n.js';

let csrf = '';
export function setCsrf(token) {
  csrf = token || '';
}

export class ApiError extends Error {
  constructor(status, code, detail, field, data) {
    super(detail || code || String(status));
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.field = field;
    this.data = data;  // the whole answer: an import's 422 carries its report beside the error
  }
  // What the person should do, in their language.
  advice() {
    if (this.status === 0) return t('err.network');
    // 502: the printer (off, out of paper, unreachable), not the server; 503 usb_unavailable: this
    // machine cannot see the USB bus (waiting will not help).
    if (this.status === 502 && this.field === 'printer') return t('err.printer');
    if (this.status === 503 && this.code === 'usb_unavailable') return t('err.usb');
    const known = [400, 401, 403, 404, 409, 413, 415, 422, 429, 503];
    return known.includes(this.status) ? t(`err.${this.status}`) : t('err.other');
  }
}

// body: a plain object (sent as JSON), or a Blob/File (sent raw, for uploads).
export async function api(method, path, body) {
  const headers = {};
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', String(e));
  }
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(response.status, err.code, err.message, err.field, data);
  }
  return data;
}

// An element saying what went wrong and what to do (role=alert: read out at once).
export function errorBox(error, h) {
  if (!(error instanceof ApiError)) return h('div', { class: 'error', role: 'alert' }, t('err.other'), h('p', { class: 'detail' }, String(error)));
  return h('div', { class: 'error', role: 'alert' },
    h('p', {}, error.advice()),
    error.detail ? h('p', { class: 'detail' }, t('err.detail', { message: error.detail })) : null);
}
