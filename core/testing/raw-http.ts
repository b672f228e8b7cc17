// A raw HTTP/1.1 exchange over a socket, for tests that must see what a strict client sees: the status line as
// sent, every header, and whether the body that arrives is as long as Content-Length says (fetch hides all three).
import net from 'node:net';

export interface RawReply {
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  /** Raw header lines as they came (for line-length checks). */
  headerLines: string[];
  body: Buffer;
  text: string;
  json: any;
}

/** Sends `method path` with the headers (Connection: close is added) and reads the answer to the end. */
export function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer, timeoutMs = 10_000): Promise<RawReply> {
  const u = new URL(base);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const all = { Host: u.host, Connection: 'close', ...(body !== undefined ? { 'Content-Length': String(payload.length) } : {}), ...headers };
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no complete answer within ${timeoutMs} ms: ${Buffer.concat(chunks).toString('latin1').slice(0, 300)}`)); }, timeoutMs);
    s.on('data', (c) => chunks.push(c));
    s.on('error', (e) => { clearTimeout(timer); reject(e); });
    s.on('end', () => {
      clearTimeout(timer);
      try { resolve(parseReply(Buffer.concat(chunks))); } catch (e) { reject(e); }
    });
    s.write(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
  });
}

function parseReply(all: Buffer): RawReply {
  const end = all.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no header end in: ${all.toString('latin1').slice(0, 200)}`);
  const lines = all.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = lines[0];
  const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine);
  if (!m) throw new Error(`malformed status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  const body = all.subarray(end + 4);
  const text = body.toString('utf8');
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { statusLine, status: Number(m[1]), headers, headerLines: lines.slice(1), body, text, json };
}

/** Checks an answer is complete and well-formed the way CloudStack clients need it; returns what was wrong. */
export function csAnswerProblems(r: RawReply): string[] {
  const out: string[] = [];
  if (r.headers['content-length'] === undefined) out.push('no Content-Length');
  else if (Number(r.headers['content-length']) !== r.body.length) out.push(`Content-Length ${r.headers['content-length']} but ${r.body.length} bytes`);
  for (const l of r.headerLines) if (l.length > 8192) out.push(`header line of ${l.length} bytes`);
  if (!/charset=UTF-8/i.test(r.headers['content-type'] ?? '')) out.push(`content type ${r.headers['content-type']}`);
  if (r.json === undefined) { out.push(`body is not JSON: ${r.text.slice(0, 120)}`); return out; }
  const keys = Object.keys(r.json);
  if (keys.length !== 1) out.push(`envelope has keys ${keys.join(',')}`);
  if (r.status !== 200) {
    const inner = r.json[keys[0]] ?? {};
    if (inner.errorcode !== r.status) out.push(`errorcode ${inner.errorcode} for HTTP ${r.status}`);
    if (typeof inner.errortext !== 'string' || inner.errortext === '') out.push('no errortext');
  }
  return out;
}
