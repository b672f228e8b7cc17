// One template or ISO: live status of every zone copy, its properties, edit and delete-everywhere.
import { useState, type ReactNode } from 'react';
import { ActionBar } from '../../components/actions';
import { Properties } from '../../components/Page';
import { TagsCard } from '../tags/TagsCard';
import { useCan, useCloud } from '../../app/client-context';
import { DetailPane } from '../../components/kit/ListFrame';
import { PendingPane } from '../../components/kit/use-one';
import { YesNo } from '../../components/kit/Widgets';
import { formatBytes } from '../../components/kit/format';
import { errorText } from '../../components/kit/typed';
import { useImagesMessages } from './messages';
import { CopyStatus, useImageCopies } from './DownloadStatus';
import { useDeleteActions, useMayChange } from './image-actions';
import { EditImageDialog } from './EditImageDialog';
import { KINDS, type Image, type ImageKind } from './types';
import { When } from '../../components/kit/When';

/** Root admins read every image with 'all'; others read with the list's filter, then 'self' (a new image is not yet executable). */
function useDetailCopies(kind: ImageKind, id: string, filter: string) {
  const { identity } = useCloud();
  const primary = identity.accountType === 1 ? 'all' : filter;
  const first = useImageCopies(kind, id, primary);
  const needFallback = primary !== 'self' && !first.loading && first.copies.length === 0;
  const fallback = useImageCopies(kind, id, 'self', undefined, needFallback);
  return needFallback ? fallback : first;
}

export function ImageDetail({ kind, id, filter, onClose, onChanged }: { kind: ImageKind; id: string; filter: string; onClose(): void; onChanged(): void }) {
  const m = useImagesMessages();
  const { copies, loading, error } = useDetailCopies(kind, id, filter);
  const { everywhere } = useDeleteActions(kind);
  const mayChange = useMayChange();
  const canUpdate = useCan(KINDS[kind].update);
  const [editing, setEditing] = useState(false);
  const img = copies[0];
  if (!img) return <PendingPane loading={loading} error={error ? errorText(error) : null} onClose={onClose} />;
  return (
    <DetailPane title={img.name} onClose={onClose} actions={(
      <>
        {canUpdate && mayChange(img) && <button type="button" onClick={() => setEditing(true)}>{m.edit}</button>}
        <ActionBar actions={everywhere} rows={[img]} nameOf={(i) => i.name} onDone={() => { onChanged(); }} />
      </>
    )}>
      <div>
        <h3>{m.copies}</h3>
        <ul className="img-copies" aria-label={m.copies}>
          {copies.map((c) => (
            <li key={c.zoneid ?? 'none'}><span className="img-copy-zone">{c.zonename ?? '—'}</span><CopyStatus copy={c} name={`${c.name} ${c.zonename ?? ''}`} /></li>
          ))}
        </ul>
      </div>
      <Properties rows={propertyRows(m, kind, img)} />
      {/* Tags belong to the image, not to one zone's copy (CloudStack keys them by the template's id). */}
      <TagsCard resourceType={kind === 'iso' ? 'ISO' : 'Template'} resourceId={img.id} name={img.name} tags={img.tags} />
      {editing && <EditImageDialog kind={kind} image={img} onClose={() => setEditing(false)} onDone={onChanged} />}
    </DetailPane>
  );
}

function propertyRows(m: ReturnType<typeof useImagesMessages>, kind: ImageKind, img: Image): [string, ReactNode][] {
  return [
    [m.displaytext, img.displaytext],
    ...(kind === 'template' ? [[m.format, img.format], [m.hypervisor, img.hypervisor]] as [string, ReactNode][] : [[m.bootable, <YesNo value={img.bootable} />]] as [string, ReactNode][]),
    [m.ostype, img.ostypename],
    [m.size, formatBytes(img.size)],
    [m.physical, formatBytes(img.physicalsize)],
    [m.account, img.account],
    [m.domain, img.domain],
    [m.public, <YesNo value={img.ispublic} />],
    [m.featured, <YesNo value={img.isfeatured} />],
    [m.extractable, <YesNo value={img.isextractable} />],
    ...(kind === 'template' ? [[m.passwordEnabled, <YesNo value={img.passwordenabled} />], [m.templatetype, img.templatetype]] as [string, ReactNode][] : []),
    [m.created, <When value={img.created} />],
    [m.url, img.url ? <span className="kit-mono">{img.url}</span> : '—'],
    [m.checksum, img.checksum ? <span className="kit-mono">{img.checksum}</span> : '—'],
  ];
}
