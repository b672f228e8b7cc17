// Cookie header parsing for the API and the console proxy. Browsers send every cookie of 127.0.0.1 (whatever
// the port) to us, so another local app's cookie may be anything: a value that does not decode is skipped, never
// an error that would break the request it came with.

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (k in out) continue;
    const v = decodeCookieValue(part.slice(i + 1).trim());
    if (v !== null) out[k] = v;
  }
  return out;
}

function decodeCookieValue(raw: string): string | null {
  const v = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  try {
    return decodeURIComponent(v);
  } catch {
    return null;
  }
}
