// The deploy wizard's groups step: the instance group the VM is filed under (an existing one, or a new name that
// deployVirtualMachine group= creates) and the affinity groups it joins (affinitygroupids=), which the planner
// honours. Both lists are searched on the server (keyword, first 50), so many groups stay quick.
import { useId, useState } from 'react';
import { useDebounced } from '../../components/kit/paged-list';
import { useList } from '../../api/hooks';
import { Field } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { useInstMessages } from './messages';
import type { AffinityGroup } from '../../../../core/contract/responses';

const PAGE = 50;

/** CloudStack's two affinity types, in the user's words. */
export function affinityTypeLabel(m: ReturnType<typeof useInstMessages>, type: string): string {
  return type === 'host anti-affinity' ? m.antiAffinity : type === 'host affinity' ? m.hostAffinity : type;
}

export function GroupsStep({ group, onGroup, affinity, onAffinity }: {
  group: string; onGroup(name: string): void; affinity: AffinityGroup[]; onAffinity(list: AffinityGroup[]): void;
}) {
  const m = useInstMessages();
  const listId = useId();
  const groupKw = useDebounced(group.trim(), 200);
  const groups = useList('listInstanceGroups', { keyword: groupKw || undefined, page: 1, pagesize: PAGE });
  const existing = (groups.data?.items ?? []).some((g) => g.name === group.trim());
  return (
    <>
      <Field label={m.instanceGroup}>
        <input list={listId} value={group} maxLength={255} placeholder={m.noGroup} onChange={(e) => onGroup(e.target.value)}
          aria-describedby={`${listId}-hint`} />
      </Field>
      <datalist id={listId}>
        {(groups.data?.items ?? []).map((g) => <option key={g.id} value={g.name} />)}
      </datalist>
      <p id={`${listId}-hint`} className="field-hint wiz-hint">
        {group.trim() === '' ? m.groupHint : existing ? m.groupExisting : fmt(m.groupNew, { name: group.trim() })}
      </p>
      <AffinityPicker chosen={affinity} onChange={onAffinity} />
    </>
  );
}

/** The affinity groups to join, checked from the caller's groups (searched on the server); the chosen stay listed. */
export function AffinityPicker({ chosen, onChange }: { chosen: AffinityGroup[]; onChange(list: AffinityGroup[]): void }) {
  const m = useInstMessages();
  const [search, setSearch] = useState('');
  const kw = useDebounced(search.trim(), 200);
  const affinities = useList('listAffinityGroups', { keyword: kw || undefined, page: 1, pagesize: PAGE });
  const ids = new Set(chosen.map((a) => a.id));
  const toggle = (a: AffinityGroup) => onChange(ids.has(a.id) ? chosen.filter((x) => x.id !== a.id) : [...chosen, a]);
  const items = affinities.data?.items ?? [];
  // The chosen ones stay listed even when the search no longer matches them.
  const shown = [...chosen.filter((a) => !items.some((x) => x.id === a.id)), ...items];
  return (
    <fieldset className="wiz-affinity">
      <legend>{m.affinityGroups}</legend>
      <input type="search" aria-label={m.searchAffinity} placeholder={m.searchAffinity} value={search}
        onChange={(e) => setSearch(e.target.value)} className="wiz-search" />
      {affinities.error && <div className="error" role="alert">{affinities.error.message}</div>}
      {affinities.isFetched && shown.length === 0 ? <p className="muted">{kw ? m.noMatches : m.noAffinityGroups}</p> : (
        <div className="wiz-choices" role="group" aria-label={m.affinityGroups}>
          {shown.map((a) => (
            <label key={a.id} className={`wiz-choice${ids.has(a.id) ? ' on' : ''}`}>
              <input type="checkbox" checked={ids.has(a.id)} onChange={() => toggle(a)} />
              <span className="wiz-choice-body"><strong>{a.name}</strong>
                <span className="muted">{[affinityTypeLabel(m, a.type), a.description].filter(Boolean).join(' · ')}</span></span>
            </label>
          ))}
        </div>
      )}
      {(affinities.data?.count ?? 0) > items.length && <p className="muted">{fmt(m.moreMatches, { shown: items.length, count: affinities.data!.count })}</p>}
    </fieldset>
  );
}
