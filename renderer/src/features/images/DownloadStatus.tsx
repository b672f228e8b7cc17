// Download status of image copies, live: while a copy is not ready (and has not failed) it is re-read every
// 2 s, so "35% Downloaded" moves on screen without the operator refreshing anything.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { Meter } from '../../components/kit/Widgets';
import { useImagesMessages } from './messages';
import { KINDS, downloadFailed, downloadPercent, downloading, type Image, type ImageKind } from './types';

const POLL_MS = 2000;

/** Every zone copy of one image, polled while any of them is still downloading. */
export function useImageCopies(kind: ImageKind, id: string, filter: string, zoneid?: string, enabled = true) {
  const k = KINDS[kind];
  // Polled until an answer shows nothing downloading (and from the start, before any answer).
  const [seen, setSeen] = useState<Image[] | undefined>(undefined);
  const live = seen ? seen.some(downloading) : true;
  const q = useList(k.list, { id, [k.filterParam]: filter, ...(zoneid ? { zoneid } : {}) }, { refetchMs: live ? POLL_MS : undefined, enabled });
  const items = q.data?.items;
  if (items && items !== seen) setSeen(items);
  return { copies: items ?? [], loading: q.isLoading, error: q.error };
}

/** One copy's status: a badge when ready or stuck, a meter with the server's text while downloading. */
export function CopyStatus({ copy, name }: { copy: Image; name: string }) {
  const m = useImagesMessages();
  if (copy.isready) return <span className="badge tone-ok">{m.ready}</span>;
  const pct = downloadPercent(copy.status);
  if (downloadFailed(copy)) return <span className="badge tone-bad" title={copy.status}>{copy.status ?? m.failed}</span>;
  if (pct === null) return <span className="badge tone-idle" title={copy.status}>{copy.status ?? m.notReady}</span>;
  return <Meter role="progressbar" warn={false} label={`${m.downloading} ${name}`} value={pct} text={copy.status} />;
}

/** Table cell for a copy that is not ready yet: polls that one copy so the list row stays current. */
export function LiveCopyCell({ row, kind, filter }: { row: Image; kind: ImageKind; filter: string }) {
  const { copies } = useImageCopies(kind, row.id, filter, row.zoneid);
  const now = copies.find((c) => c.zoneid === row.zoneid) ?? row;
  return <CopyStatus copy={now} name={row.name} />;
}

/** All zone copies of an image with their live status (register dialog, detail pane). */
export function CopiesProgress({ kind, id, filter }: { kind: ImageKind; id: string; filter: string }) {
  const m = useImagesMessages();
  const { copies, loading } = useImageCopies(kind, id, filter);
  if (loading) return null;
  if (!copies.length) return <p className="muted">{m.noCopies}</p>;
  return (
    <ul className="img-copies" aria-label={m.copies}>
      {copies.map((c) => (
        <li key={c.zoneid ?? 'none'}>
          <span className="img-copy-zone">{c.zonename ?? c.zoneid ?? '—'}</span>
          <CopyStatus copy={c} name={`${c.name} ${c.zonename ?? ''}`.trim()} />
        </li>
      ))}
    </ul>
  );
}
