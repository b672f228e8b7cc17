// Streamed list answers: a list whose handler returned its rows in batches (ListResult.more: pagesize=-1, large
// pages) is written to the socket batch by batch, so the server holds one batch of rows and one batch of text at
// a time instead of the whole answer (100,000 VMs are 126 MB of JSON). The bytes are exactly what toJson/toXml
// give for the same list: `{"<name>":{"count":N,"<item>":[...]}}` or the XML envelope with repeated item elements.
import type { ServerResponse } from 'node:http';
import type { ListResult } from '../kernel/handler';
import { xmlElement, xmlEnvelope } from './serialize';

/** A list answer still to be written: the response body as text pieces, produced while the socket takes them. */
export type BodyStream = AsyncIterable<string>;

/**
 * Items per piece of text. A piece stays far below V8's large-object size (128 KiB; a VM is about 1.2 KiB of JSON),
 * so it is born and dies in the young generation: the text of a whole batch of 500 (600 KiB, and its flattened
 * copy) went to the large-object space, which only a full collection frees.
 */
const PIECE = 50;

/**
 * The text of a batch as pieces of PIECE items, each led by `lead` unless it starts the list. All of a batch is
 * encoded before any of it is written, so its objects are garbage at once: kept until their last piece had gone
 * out (several socket drains), they outlived young-generation collections and were promoted, as old garbage.
 */
function encodeBatch(items: object[], encode: (batch: object[]) => string, lead: string, startsList: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length; i += PIECE) out.push((startsList && i === 0 ? '' : lead) + encode(items.slice(i, i + PIECE)));
  return out;
}

const jsonItems = (items: object[]) => items.map((i) => JSON.stringify(i)).join(',');

/** The next batch's text, or null at the end: only the text outlives this call, never the batch's objects. */
async function nextText(batches: AsyncIterator<object[]>, encode: (batch: object[]) => string, lead: string, startsList: boolean): Promise<string[] | null> {
  const next = await batches.next();
  return next.done ? null : encodeBatch(next.value, encode, lead, startsList);
}

/** The text of each batch in turn, encoded as soon as it is read (see encodeBatch). */
async function* batchTexts(r: ListResult & { more: AsyncIterable<object[]> }, encode: (batch: object[]) => string, lead: string): AsyncGenerator<string[]> {
  let startsList = r.items.length === 0;
  if (!startsList) yield encodeBatch(r.items, encode, lead, true);
  const batches = r.more[Symbol.asyncIterator]();
  for (let text = await nextText(batches, encode, lead, startsList); text !== null; text = await nextText(batches, encode, lead, startsList)) {
    if (text.length) { startsList = false; yield text; }
  }
}

/** The pieces of a list answer with items (callers answer an empty list or a page past the end the usual way). */
export async function* listBody(json: boolean, responseName: string, itemKey: string, r: ListResult & { more: AsyncIterable<object[]> },
  version: string): BodyStream {
  const { open, close } = xmlEnvelope(responseName, version);
  yield json ? `{${JSON.stringify(responseName)}:{"count":${JSON.stringify(r.count)},${JSON.stringify(itemKey)}:[`
    : `${open}${xmlElement('count', r.count)}`;
  const texts = json ? batchTexts(r, jsonItems, ',') : batchTexts(r, (items) => xmlElement(itemKey, items), '');
  for await (const pieces of texts) yield* pieces;
  yield json ? ']}}' : close;
}

/** Every item of a list, the streamed batches included (for in-process callers, which want one object). */
export async function collectList(r: ListResult): Promise<ListResult> {
  if (!r.more) return r;
  const items = [...r.items];
  for await (const batch of r.more) items.push(...batch);
  return { count: r.count, items, itemKey: r.itemKey };
}

/**
 * Writes a streamed body (chunked transfer encoding: its length is not known in advance), waiting for the
 * socket to drain between pieces so memory stays bounded however slow the client reads. A failure after the
 * headers went out cannot become an error answer any more: the connection is cut, so the client sees a truncated
 * answer (an incomplete chunked body) rather than a complete-looking wrong one.
 */
export async function writeStreamed(res: ServerResponse, status: number, headers: Record<string, string | string[] | number>,
  body: BodyStream, onError: (e: unknown) => void): Promise<void> {
  res.writeHead(status, headers);
  try {
    for await (const piece of body) {
      if (res.destroyed) return; // the client went away: stop reading rows (the generator is closed by the return)
      if (!res.write(piece)) await drainedOrClosed(res);
    }
    res.end();
  } catch (e) {
    onError(e);
    res.destroy();
  }
}

/**
 * Resolves when the socket takes more (or the connection closed), and drops both listeners either way: waiting
 * with `once()` for each left a close and an error listener on the response per wait, thousands in one answer.
 */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
