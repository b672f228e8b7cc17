// The maintenance plan of a host, shown in the "Enter maintenance" confirmation before anything moves: where each
// running VM would be live-migrated, or that it would be stopped or would keep the host from maintenance, and why.
// It is the server's dry run of the same planner (listHostMaintenancePlan), so it follows the server's settings;
// a refusal (another host of the cluster preparing, a VM in Starting) shows as the server's own text.
import { useList } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import { useInfraMessages } from './messages';

export function MaintenancePreview({ hostId }: { hostId: string }) {
  const m = useInfraMessages();
  const q = useList('listHostMaintenancePlan', { id: hostId });
  if (q.error) return <div className="error maint-plan-error" role="alert">{q.error.message}</div>;
  if (!q.data) return <p className="muted" aria-busy="true">{m.planLoading}</p>;
  const items = q.data.items;
  if (items.length === 0) return <p className="maint-plan-summary">{m.planEmpty}</p>;
  const n = (action: string) => items.filter((i) => i.action === action).length;
  return (
    <section className="maint-plan" aria-label={m.planTitle}>
      <p className="maint-plan-summary">{fmt(m.planSummary, { move: n('Migrate'), stop: n('Stop'), block: n('Block') })}</p>
      <table>
        <thead><tr><th scope="col">{m.planVm}</th><th scope="col">{m.planOutcome}</th></tr></thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.virtualmachineid} data-action={i.action}>
              <td className="maint-plan-vm" title={i.virtualmachinename}>{i.virtualmachinename}</td>
              <td>
                {i.action === 'Migrate'
                  ? <span className="maint-plan-move">{fmt(m.planMove, { host: i.hostname ?? '?' })}</span>
                  : <>
                    <span className={`badge ${i.action === 'Stop' ? 'tone-warn' : 'tone-bad'}`}>{i.action === 'Stop' ? m.planStop : m.planBlock}</span>
                    <span className="maint-plan-reason">{i.reason}</span>
                  </>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
