// The save-time conflict check the schedule dialogs share: the first Save asks the server for the week's runs;
// if the schedule collides, the dialog stays open with the collisions listed and its button reads "Save anyway";
// changing a field that moves the runs asks again.
import { useState } from 'react';
import { useCloud } from '../../app/client-context';
import { parseCsDate } from '../../components/kit/datetime';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { formatRun } from './cron-preview';
import { conflictsOnSave, type SaveConflicts, type SavedSchedule } from './save-conflicts';
import { useSchedMessages } from './messages';

const SHOWN = 6;

export function useConflictGuard() {
  const { client } = useCloud();
  const [found, setFound] = useState<SaveConflicts | null>(null);
  const flagged = !!found && (found.resource.length > 0 || found.pileups.length > 0);
  return {
    found, flagged,
    /** True when the save must wait: this is the first Save and the schedule collides (now shown). */
    async blocks(s: SavedSchedule): Promise<boolean> {
      if (found) return false;
      const f = await conflictsOnSave(client, s);
      setFound(f);
      return f.resource.length > 0 || f.pileups.length > 0;
    },
    /** Wraps a field setter: a change means the check runs again on the next Save. */
    resetting<T>(set: (v: T) => void) { return (v: T) => { set(v); setFound(null); }; },
  };
}

export function ConflictNotice({ found }: { found: SaveConflicts | null }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  if (!found || (found.resource.length === 0 && found.pileups.length === 0)) return null;
  return (
    <div className="sched-clash" role="alert">
      {found.resource.length > 0 && <>
        <strong>{m.conflictsOnSave}</strong>
        <ul>{found.resource.slice(0, SHOWN).map((c) => <li key={c.scheduleid + c.runat}>{c.action} · {c.resourcename ?? c.resourceid} · {formatRun(parseCsDate(c.runat)!.getTime(), lang)}</li>)}</ul>
      </>}
      {found.pileups.length > 0 && <>
        <strong>{m.pileupsOnSave}</strong>
        <ul>{found.pileups.slice(0, SHOWN).map((p) => <li key={p.t}>{formatRun(p.t, lang)} · {fmt(m.runs, { count: p.runs })}</li>)}</ul>
      </>}
    </div>
  );
}
