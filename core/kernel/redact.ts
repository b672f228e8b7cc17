// Secrets never reach a log line: API keys, secret keys, passwords, session keys, signatures and cookies are
// replaced wherever they appear, as a field of logged data (request params, headers) or inside a text (an error
// message or stack that quotes a URL or a request body).

export const REDACTED = '[REDACTED]';

const SECRET_NAMES = [
  'apikey', 'userapikey', 'secretkey', 'usersecretkey', 'password', 'currentpassword', 'newpassword', 'sessionkey',
  'signature', 'jsessionid', 'cookie', 'set-cookie', 'authorization', 'x-api-key', 'x-auth-token',
];
const SECRET_FIELD = new Set(SECRET_NAMES);
const names = SECRET_NAMES.map((n) => n.replace('-', '\\-')).join('|');
/** `name=value` in query strings, form bodies and cookie headers. */
const IN_QUERY = new RegExp(`\\b(${names})=[^&\\s;"',]*`, 'gi');
/** `"name":"value"` in JSON text. */
const IN_JSON = new RegExp(`"(${names})"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`, 'gi');

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.has(name.toLowerCase());
}

export function redactText(text: string): string {
  if (!text.includes('=') && !text.includes('"')) return text;
  return text.replace(IN_QUERY, `$1=${REDACTED}`).replace(IN_JSON, `"$1":"${REDACTED}"`);
}

/** A copy of `value` with secrets replaced; errors become {type, message, stack}. Depth-limited against cycles. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message), ...(value.stack ? { stack: redactText(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Map) return redact(Object.fromEntries(value), depth);
  if (value instanceof URLSearchParams) return redact(Object.fromEntries(value), depth);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretField(k) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  return out;
}
