// Which image actions a caller sees: owners and administrators may change an image; built-in and system
// images are left alone (the server refuses those anyway).
import { useMemo } from 'react';
import type { Action } from '../../components/actions';
import { useCloud } from '../../app/client-context';
import { fmt } from '../../i18n/messages';
import { useImagesMessages } from './messages';
import { KINDS, type Image, type ImageKind } from './types';

export function useMayChange() {
  const { identity } = useCloud();
  return (img: Image) => img.templatetype !== 'BUILTIN' && img.templatetype !== 'SYSTEM'
    && (identity.accountType !== 0 || img.account === identity.account);
}

/** Delete per zone copy (rows of the list) — bulk — or everywhere (the detail pane). */
export function useDeleteActions(kind: ImageKind): { perZone: Action<Image>[]; everywhere: Action<Image>[] } {
  const m = useImagesMessages();
  const mayChange = useMayChange();
  const command = KINDS[kind].del;
  return useMemo(() => ({
    perZone: [{
      id: 'delete-zone', command, label: m.delete, bulk: true, danger: true, when: mayChange,
      params: (i: Image) => ({ id: i.id, zoneid: i.zoneid }),
      describe: (i: Image) => fmt(m.jobDeleteZone, { name: i.name, zone: i.zonename ?? '' }),
    }],
    everywhere: [{
      id: 'delete-all', command, label: m.deleteAllZones, danger: true, when: mayChange,
      params: (i: Image) => ({ id: i.id }), describe: (i: Image) => fmt(m.jobDelete, { name: i.name }),
    }],
  }), [m, mayChange, command]);
}
