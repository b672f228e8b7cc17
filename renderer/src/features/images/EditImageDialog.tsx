// Edit a template's or ISO's name, display text and OS type (what CloudStack lets owners change).
import { useState } from 'react';
import { fmt } from '../../i18n/messages';
import { FormDialog, TextField } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { useImagesMessages } from './messages';
import { OsTypeSelect } from './RegisterImageDialog';
import type { Image, ImageKind } from './types';

export function EditImageDialog({ kind, image, onClose, onDone }: { kind: ImageKind; image: Image; onClose(): void; onDone(): void }) {
  const m = useImagesMessages();
  const run = useRun();
  const [name, setName] = useState(image.name);
  const [displaytext, setDisplaytext] = useState(image.displaytext ?? '');
  const [ostypeid, setOstypeid] = useState(image.ostypeid ?? '');
  return (
    <FormDialog title={`${m.edit}: ${image.name}`} submitLabel={m.save} onClose={onClose} canSubmit={!!name.trim()}
      onSubmit={async () => {
        const args = { id: image.id, name: name.trim(), displaytext: displaytext.trim() || name.trim(), ...(ostypeid ? { ostypeid } : {}) };
        const label = fmt(m.jobUpdate, { name: image.name });
        if (kind === 'template') await run('updateTemplate', args, label);
        else await run('updateIso', args, label);
        onDone();
      }}>
      <TextField label={m.name} value={name} onChange={setName} required autoFocus />
      <TextField label={m.displaytext} value={displaytext} onChange={setDisplaytext} />
      <OsTypeSelect label={m.ostype} value={ostypeid} onChange={setOstypeid} emptyLabel={m.defaultOs} />
    </FormDialog>
  );
}
