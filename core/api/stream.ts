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
 * so it is born and dies in the young generation: pieces of a whole batch of 500 (600 KiB) went to the large-object
 * space, which only a full collection frees, and 100,000 VMs left up to 200 of them (and as many flattened copies)
 * behind as garbage before one ran: 140 MB of RSS on a quiet machine, or 10, as the collector's timing fell.
 */
const PIECE = 50;

/** The text of `items` in pieces of PIECE items, each preceded by `lead` (a separator) when it is not the first. */
function* pieces(items: object[], encode: (batch: object[]) => string, lead: string, first: boolean): Generator<string> {
  for (let i = 0; i < items.length; i += PIECE) yield (first && i === 0 ? '' : lead) + encode(items.slice(i, i + PIECE));
}

const jsonItems = (items: object[]) => items.map((i) => JSON.stringify(i)).join(',');

/** The pieces of a list answer with items (callers answer an empty list or a page past the end the usual way). */
export async function* listBody(json: boolean, responseName: string, itemKey: string, r: ListResult & { more: AsyncIterable<object[]> },
  version: string): BodyStream {
  if (json) {
    yield `{${JSON.stringify(responseName)}:{"count":${JSON.stringify(r.count)},${JSON.stringify(itemKey)}:[`;
    yield* pieces(r.items, jsonItems, ',', true);
    let first = r.items.length === 0;
    for await (const batch of r.more) {
      if (!batch.length) continue;
      yield* pieces(batch, jsonItems, ',', first);
      first = false;
    }
    yield ']}}';
    return;
  }
  const { open, close } = xmlEnvelope(responseName, version);
  const xmlItems = (items: object[]) => xmlElement(itemKey, items);
  yield `${open}${xmlElement('count', r.count)}`;
  yield* pieces(r.items, xmlItems, '', true);
  for await (const batch of r.more) yield* pieces(batch, xmlItems, '', true);
  yield close;
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
