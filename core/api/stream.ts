// Streamed list answers: a list whose handler returned its rows in batches (ListResult.more: pagesize=-1, large
// pages) is written to the socket batch by batch, so the server holds one batch of rows and one batch of text at
// a time instead of the whole answer (100,000 VMs are 126 MB of JSON). The bytes are exactly what toJson/toXml
// give for the same list: `{"<name>":{"count":N,"<item>":[...]}}` or the XML envelope with repeated item elements.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { ListResult } from '../kernel/handler';
import { xmlElement, xmlEnvelope } from './serialize';

/** A list answer still to be written: the response body as text pieces, produced while the socket takes them. */
export type BodyStream = AsyncIterable<string>;

/** The pieces of a list answer with items (callers answer an empty list or a page past the end the usual way). */
export async function* listBody(json: boolean, responseName: string, itemKey: string, r: ListResult & { more: AsyncIterable<object[]> },
  version: string): BodyStream {
  if (json) {
    yield `{${JSON.stringify(responseName)}:{"count":${JSON.stringify(r.count)},${JSON.stringify(itemKey)}:[${r.items.map((i) => JSON.stringify(i)).join(',')}`;
    for await (const batch of r.more) if (batch.length) yield `,${batch.map((i) => JSON.stringify(i)).join(',')}`;
    yield ']}}';
    return;
  }
  const { open, close } = xmlEnvelope(responseName, version);
  yield `${open}${xmlElement('count', r.count)}${xmlElement(itemKey, r.items)}`;
  for await (const batch of r.more) yield xmlElement(itemKey, batch);
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
      if (!res.write(piece)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch (e) {
    onError(e);
    res.destroy();
  }
}
