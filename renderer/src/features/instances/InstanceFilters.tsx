// Filters above the instances table. Every filter is a server-side listVirtualMachines parameter and lives in the
// route query; the search box waits for a pause in typing (250 ms) or Enter before asking the server.
import { useEffect, useRef, useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { Field } from '../../components/Page';
import { SearchSelect } from './SearchSelect';
import { VM_FILTER_STATES } from './vm';
import { useStateLabel } from '../../i18n/glossary';
import { hasFilters, setListQuery, type ListQuery } from './list-query';
import { useInstMessages } from './messages';
import type { Account, Host, InstanceGroup } from '../../../../core/contract/responses';
import { TagFilter } from '../tags/TagFilter';
import { fmt } from '../../i18n/messages';

const DEBOUNCE_MS = 250;


export function InstanceFilters({ query }: { query: ListQuery }) {
  const m = useInstMessages();
  const stateLabel = useStateLabel();
  const canHosts = useCan('listHosts');
  const { identity } = useCloud();
  // A user account lists only its own instances: an account filter would have one choice.
  const canAccounts = useCan('listAccounts') && identity.accountType !== 0;
  const canGroups = useCan('listInstanceGroups');
  const zones = useList('listZones', {});
  const [text, setText] = useState(query.keyword ?? '');
  const applied = useRef(query.keyword ?? '');

  // The route changed from outside (Back, a link): show its keyword.
  useEffect(() => {
    const k = query.keyword ?? '';
    if (k !== applied.current) { applied.current = k; setText(k); }
  }, [query.keyword]);

  useEffect(() => {
    if (text === applied.current) return;
    const t = setTimeout(() => { applied.current = text; setListQuery({ ...query, keyword: text.trim() }, true); }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, query]);

  const set = (patch: ListQuery) => setListQuery({ ...query, ...patch });

  return (
    <div className="inst-filters" role="search" aria-label={m.filters}>
      <input type="search" className="kit-search" aria-label={m.search} value={text} placeholder={m.searchHint} onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') { applied.current = text; setListQuery({ ...query, keyword: text.trim() }, true); } }} />
      <Field label={m.state}>
        <select value={query.state ?? ''} onChange={(e) => set({ state: e.target.value })}>
          <option value="">{m.allStates}</option>
          {VM_FILTER_STATES.map((s) => <option key={s} value={s}>{s === 'Present' ? m.statePresent : stateLabel(s)}</option>)}
        </select>
      </Field>
      <Field label={m.zone}>
        <select value={query.zoneid ?? ''} onChange={(e) => set({ zoneid: e.target.value, hostid: '' })}>
          <option value="">{m.allZones}</option>
          {zones.data?.items.map((z) => <option key={z.id} value={z.id}>{z.name}</option>)}
        </select>
      </Field>
      {canHosts && (
        <SearchSelect<Host> label={m.host} command="listHosts" params={{ type: 'Routing', zoneid: query.zoneid }}
          value={query.hostid} optionLabel={(h) => h.name} optionHint={(h) => [h.clustername, h.state].filter(Boolean).join(' · ')}
          onChange={(h) => set({ hostid: h?.id ?? '' })}
          placeholder={m.anyHost} clearLabel={m.clearHost} noMatches={m.noMatches} moreMatches={m.moreMatches} />
      )}
      {canAccounts && (
        <SearchSelect<Account> label={m.account} command="listAccounts" params={{ listall: true }}
          value={query.account} selectedLabel={query.account} optionLabel={(a) => a.name} optionHint={(a) => a.domainpath ?? ''}
          onChange={(a) => set({ account: a?.name ?? '', domainid: a?.domainid ?? '' })}
          placeholder={m.anyAccount} clearLabel={m.clearAccount} noMatches={m.noMatches} moreMatches={m.moreMatches} />
      )}
      {canGroups && (
        <SearchSelect<InstanceGroup> label={m.group} command="listInstanceGroups" params={{ listall: true }}
          value={query.groupid} optionLabel={(g) => g.name} optionHint={(g) => g.account ?? ''}
          onChange={(g) => set({ groupid: g?.id ?? '' })}
          placeholder={m.anyGroup} clearLabel={m.clearGroup} noMatches={m.noMatches} moreMatches={m.moreMatches} />
      )}
      {query.affinitygroupid && <AffinityChip id={query.affinitygroupid} onClear={() => set({ affinitygroupid: '' })} />}
      <TagFilter key={query.tag ?? ''} value={query.tag ?? ''} onApply={(tag) => set({ tag })} />
      {hasFilters(query) && <button className="ghost inst-clear" onClick={() => { applied.current = ''; setText(''); setListQuery({}); }}>{m.clearFilters}</button>}
    </div>
  );
}

/** The affinity group filter (set from the Groups area's links): its name, and a button that drops it. */
function AffinityChip({ id, onClear }: { id: string; onClear(): void }) {
  const m = useInstMessages();
  const g = useList('listAffinityGroups', { id, listall: true });
  const name = g.data?.items[0]?.name ?? id;
  return (
    <span className="badge inst-filter-chip">{fmt(m.affinityFilter, { name })}
      <button type="button" className="ghost icon" aria-label={fmt(m.clearAffinity, { name })} onClick={onClear}>✕</button>
    </span>
  );
}
