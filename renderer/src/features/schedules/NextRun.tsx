// A schedule's next pending run (from listScheduledRuns) with a button that cancels just that run.
import { apiUtc } from '../../components/kit/datetime';
import { useList } from '../../api/hooks';
import { useRun } from '../../components/kit/typed';
import { useNow, When } from '../../components/kit/When';
import { fmt } from '../../i18n/messages';
import { useSchedMessages } from './messages';

const DAY_MS = 86_400_000;

/** The next run in the coming 62 days (the longest window listScheduledRuns answers). */
export function NextRun({ scheduleId, enabled, canCancel, label }: { scheduleId: string; enabled: boolean; canCancel: boolean; label: string }) {
  const m = useSchedMessages();
  const run = useRun();
  // The window is fixed per minute so the query key stays stable between renders.
  const minute = Math.floor(useNow() / 60_000) * 60_000;
  const q = useList('listScheduledRuns', { scheduleid: scheduleId, listall: true, startdate: apiUtc(minute), enddate: apiUtc(minute + 62 * DAY_MS), page: 1, pagesize: 1 }, { enabled });
  const next = q.data?.items.find((r) => r.state === 'Scheduled');
  if (!enabled || !next) return <span className="muted">—</span>;
  return (
    <span className="next-run">
      <When value={next.runat} />
      {canCancel && <button type="button" className="small ghost" title={m.cancelHint} aria-label={`${m.cancelNext}: ${label}`}
        onClick={() => void run('cancelScheduledRun', { scheduleid: scheduleId }, fmt(m.jobCancel, { name: label })).catch(() => undefined)}>{m.cancelNext}</button>}
    </span>
  );
}
