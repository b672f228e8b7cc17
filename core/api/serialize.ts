// Response envelopes in CloudStack's JSON and XML forms (reference §2). JSON is what every real client uses and
// is a single JSON.stringify; XML is the default when `response` is not `json` and is kept minimal but
// always well-formed.
import type { ApiError } from '../kernel/errors';
import type { ApiErrorBody } from '../contract/errors';
import { JsonText, stringifyPieces } from '../kernel/json-text';

export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';
export const XML_CONTENT_TYPE = 'text/xml; charset=UTF-8';

/** `{"<responseName>":<inner>}`. Undefined fields vanish; handlers drop null ones (`compact`) as CloudStack omits them. */
export function toJson(responseName: string, inner: object): string {
  return `{${JSON.stringify(responseName)}:${JSON.stringify(inner)}}`;
}

/** An encoded answer; `release` hands its buffer back for a later answer once the bytes were sent (and not before). */
export interface JsonBytes { bytes: Buffer; release?: () => void }

/** Below this size an answer's bytes come from Node's shared pool (Buffer.allocUnsafe); above it, from `spare`. */
const OWN_BUFFER_MIN = 64 * 1024;
const COMMA = ',';
/** At most this many released buffers of at most SPARE_MAX_BYTES each are kept (8 MB at most, held for good). */
const SPARES = 2;
const SPARE_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Buffers of big answers already sent. A fresh 600 KB buffer is memory the kernel must map and zero page by page as
 * the answer is written into it (about as long as encoding the answer); a reused one is already there.
 */
const spare: Buffer[] = [];

function answerBuffer(bytes: number): JsonBytes {
  if (bytes < OWN_BUFFER_MIN) return { bytes: Buffer.allocUnsafe(bytes) };
  const i = spare.findIndex((b) => b.length >= bytes);
  // Rounded up to 256 KB so that pages of slightly different sizes reuse one buffer.
  const whole = i >= 0 ? spare.splice(i, 1)[0] : Buffer.allocUnsafeSlow(Math.ceil(bytes / 262_144) * 262_144);
  let released = false;
  return {
    bytes: whole.subarray(0, bytes),
    release: () => {
      if (released || whole.length > SPARE_MAX_BYTES) return;
      released = true;
      if (spare.length >= SPARES) spare.shift();
      spare.push(whole);
    },
  };
}

/**
 * The JSON answer as UTF-8 bytes, equal to `Buffer.from(toJson(...))` but a fraction of its CPU for a list page. A
 * list's items are stringified one by one and copied into one buffer: JSON.stringify of a whole page gives a
 * string built of many parts that Node must first flatten (copy) and then encode (V8's UTF-8 writer, slow on
 * Node 20), about 5 ms for a page of 500 VMs (630 KB); the items' small strings are encoded directly, most of
 * them pure ASCII and so copied byte for byte (as latin1), the commas between them written as bytes (a
 * `,${item}` string would be one more copy of every item). Applies when the inner object's last field is an array
 * of objects (listInner puts the items last); anything else is encoded whole. Big answers are written into a
 * buffer of an earlier answer when one was released (see JsonBytes).
 */
export function toJsonBytes(responseName: string, inner: object): Buffer {
  return encodeJson(responseName, inner).bytes;
}

/** toJsonBytes, its buffer reusable once sent (`release`). */
export function encodeJson(responseName: string, inner: object): JsonBytes {
  const keys = Object.keys(inner);
  const key = keys[keys.length - 1];
  const list = key === undefined ? undefined : (inner as Record<string, unknown>)[key];
  if (!Array.isArray(list) || list.length < 2) return { bytes: Buffer.from(toJson(responseName, inner), 'utf8') };
  // The envelope with an empty list, split where the items go: `{"name":{...,"key":[` and `]}}`.
  const shell = toJson(responseName, { ...inner, [key]: [] });
  // Each item's text (in several pieces when it holds stored JSON text, kernel/json-text.ts), a COMMA between items.
  const parts: string[] = [shell.slice(0, -3)];
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    // Only objects: JSON.stringify of an item equals its text inside the array (undefined would not).
    if (item === null || typeof item !== 'object') return { bytes: Buffer.from(toJson(responseName, inner), 'utf8') };
    if (i > 0) parts.push(COMMA);
    stringifyPieces(item, parts);
  }
  parts.push(shell.slice(-3));
  const lengths = new Array<number>(parts.length);
  let total = 0;
  for (let i = 0; i < parts.length; i++) total += lengths[i] = parts[i] === COMMA ? 1 : Buffer.byteLength(parts[i], 'utf8');
  const answer = answerBuffer(total);
  const out = answer.bytes;
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === COMMA) out[at++] = 0x2c;
    // As many bytes as characters: every character is ASCII, whose UTF-8 bytes are its latin1 bytes.
    else at += lengths[i] === part.length ? out.write(part, at, lengths[i], 'latin1') : out.write(part, at, lengths[i], 'utf8');
  }
  return answer;
}

// Markup characters become entities; characters XML 1.0 cannot carry at all (most C0 controls, lone
// surrogates, U+FFFE/U+FFFF) become U+FFFD so the document always parses.
// eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
const XML_SPECIAL = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(s: string): string {
  return s.replace(XML_SPECIAL, (c) => ENTITY[c] ?? '\uFFFD');
}

// ASCII subset of XML's Name production, without `:` (namespace separator). Anything else — map keys such as
// "cpu speed" in `details`, names starting with a digit — is written as <entry key="...">value</entry>, which
// keeps the document well-formed and the original key recoverable.
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function openTag(key: string): string {
  return XML_NAME.test(key) ? `<${key}>` : `<entry key="${escapeXml(key)}">`;
}
function closeTag(key: string): string {
  return XML_NAME.test(key) ? `</${key}>` : '</entry>';
}

export function xmlElement(key: string, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof JsonText) return xmlElement(key, v.value());
  if (Array.isArray(v)) {
    // Lists repeat the element under the array's key, as CloudStack does for list items.
    let s = '';
    for (const item of v) s += xmlElement(key, item);
    return s;
  }
  if (typeof v === 'object') return openTag(key) + xmlChildren(v as Record<string, unknown>) + closeTag(key);
  return openTag(key) + escapeXml(String(v)) + closeTag(key);
}

function xmlChildren(o: Record<string, unknown>): string {
  let s = '';
  for (const key of Object.keys(o)) s += xmlElement(key, o[key]);
  return s;
}

/** The XML document's opening (declaration and root start tag) and closing; toXml puts the children between. */
export function xmlEnvelope(responseName: string, version: string): { open: string; close: string } {
  const root = XML_NAME.test(responseName) ? responseName : 'errorresponse';
  return { open: `<?xml version="1.0" encoding="UTF-8"?><${root} cloud-stack-version="${escapeXml(version)}">`, close: `</${root}>` };
}

/** The XML form: `<?xml ...?><name cloud-stack-version="...">children</name>`. */
export function toXml(responseName: string, inner: object, version: string): string {
  const { open, close } = xmlEnvelope(responseName, version);
  return `${open}${xmlChildren(inner as Record<string, unknown>)}${close}`;
}

/** Backstop for error texts that quote input without echo(): no errortext is longer than this. */
export const MAX_ERRORTEXT_CHARS = 4096;

/** The inner object of an error envelope; servlet-level errors (401) carry no cserrorcode. */
export function errorInner(err: ApiError): ApiErrorBody {
  const body: ApiErrorBody = { uuidList: err.uuidList, errorcode: err.errorcode } as ApiErrorBody;
  if (err.cserrorcode !== undefined) body.cserrorcode = err.cserrorcode;
  body.errortext = err.message.length > MAX_ERRORTEXT_CHARS ? `${err.message.slice(0, MAX_ERRORTEXT_CHARS - 3)}...` : err.message;
  return body;
}

/** List body: `{}` when nothing matches, `{count}` for a page past the end, else `{count, <itemKey>: items}`. */
export function listInner(itemKey: string, result: { count: number; items: object[] }): object {
  if (result.count === 0) return {};
  if (result.items.length === 0) return { count: result.count };
  return { count: result.count, [itemKey]: result.items };
}
