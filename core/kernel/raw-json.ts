// JSON text a list item carries as it is, for the JSON answer writer (api/serialize.ts encodeJson) to splice in.
/**
 * JSON text spliced into an answer as it is. A list item may carry a field whose value is JSON text stored as
 * JSON.stringify wrote it (a job's result, ~1.3 KB): listAsyncJobs parsed 500 of them a page only for encodeJson
 * to write them again. The field reads as the parsed value (parsed on first read, so
 * in-process callers, XML and JSON.stringify see what they saw before); encodeJson writes the text instead. Equal
 * bytes, as JSON.stringify(JSON.parse(t)) === t for any t that JSON.stringify wrote.
 */
const RAW_TEXT = Symbol('rawJsonText');
/** What encodeJson's stringify sees in the raw field's place, replaced by the text afterwards. */
const RAW_PLACEHOLDER = '\u0000strata-raw-json\u0000';
const RAW_PLACEHOLDER_JSON = JSON.stringify(RAW_PLACEHOLDER);
/** True only inside encodeJson's loop over the items (synchronous): raw fields read as the placeholder. */
let splicing = false;

/**
 * Makes `o[key]` (an existing field: it keeps its place among the keys) the JSON text `text`, read as `parse(text)`.
 * Only for text JSON.stringify wrote, whose first character is `{` and last `}` (anything else stays parsed, so
 * `parse` can answer for unreadable text as before); at most one raw field an object.
 */
export function setRawJson<T extends object>(o: T, key: keyof T & string, text: string, parse: (text: string) => unknown): T {
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) {
    (o as Record<string, unknown>)[key] = parse(text);
    return o;
  }
  let value: unknown;
  let parsed = false;
  Object.defineProperty(o, key, { enumerable: true, configurable: true, get: () => {
    if (splicing) return RAW_PLACEHOLDER;
    if (!parsed) { value = parse(text); parsed = true; }
    return value;
  } });
  Object.defineProperty(o, RAW_TEXT, { value: text });
  return o;
}

/** An item's JSON text, its raw field (setRawJson) spliced in. Only inside `splicing`. */
function itemJson(item: object): string {
  const json = JSON.stringify(item);
  const raw = (item as { [RAW_TEXT]?: string })[RAW_TEXT];
  if (raw === undefined) return json;
  const at = json.indexOf(RAW_PLACEHOLDER_JSON);
  return at < 0 ? json : json.slice(0, at) + raw + json.slice(at + RAW_PLACEHOLDER_JSON.length);
}

/** Runs `write` (synchronous) with `itemJson`, which gives an item's JSON text with its raw field spliced in. */
export function rawJsonSpliced(write: (itemJson: (item: object) => string) => void): void {
  splicing = true;
  try {
    write(itemJson);
  } finally {
    splicing = false;
  }
}
