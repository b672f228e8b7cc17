// registerTemplate and registerIso answer at once (as in CloudStack) but the image still has to download. The jobs
// panel entry therefore follows the copies' status: succeeded when every copy is ready, failed with the copy's
// own status text ("Download Failed: ...") when one fails, instead of "succeeded" for a URL that never answered.
import type { CloudClient } from './cloud-client';

const FOLLOWED: Record<string, { list: string; item: string; filter: Record<string, string> }> = {
  registerTemplate: { list: 'listTemplates', item: 'template', filter: { templatefilter: 'all' } },
  registerIso: { list: 'listIsos', item: 'iso', filter: { isofilter: 'all' } },
};

const POLL_MS = 2_000;
/** The panel stops watching (and says so) after this; the image view keeps showing the live status. */
const GIVE_UP_MS = 30 * 60_000;

interface Copy { id: string; isready?: boolean; status?: string; zonename?: string }

export const isFailedStatus = (s: string | undefined) => !!s && /fail|error|abandon/i.test(s);

/** The template/ISO id a register answer names, when the command is one whose outcome comes later. */
export function followedId(command: string, answer: any): string | undefined {
  const f = FOLLOWED[command];
  return f ? (answer?.[f.item] as Copy[] | undefined)?.[0]?.id : undefined;
}

/** Polls the image's copies until all are ready (resolve) or one fails (reject with its status text). */
export async function followDownload(client: CloudClient, command: string, id: string): Promise<void> {
  const f = FOLLOWED[command];
  const until = Date.now() + GIVE_UP_MS;
  while (Date.now() < until) {
    const r = await client.call(f.list, { ...f.filter, id, listall: true });
    const copies = (r[f.item] as Copy[] | undefined) ?? [];
    const failed = copies.find((c) => isFailedStatus(c.status));
    if (failed) throw new Error(`${failed.zonename ? `${failed.zonename}: ` : ''}${failed.status}`);
    if (copies.length > 0 && copies.every((c) => c.isready)) return;
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  throw new Error('Still downloading; see the image for its status.');
}
