// Host connection fields, shared by the Add host dialog and the zone wizard. For the Simulator the size fields
// write into the URL's query (and follow it when the URL is edited by hand).
import { TextField } from './form';
import { simSizeOf, withSimSize, SIM_KEYS, type SimSize } from './host-url';
import { useInfraMessages } from './messages';
import type { Errors } from './validate';
import type { HostForm } from './form-model';

export function HostFields({ value, onChange, hypervisor, errors = {}, disabled }: {
  value: HostForm; onChange(patch: Partial<HostForm>): void; hypervisor: string; errors?: Errors<keyof HostForm>; disabled?: boolean;
}) {
  const m = useInfraMessages();
  const sim = hypervisor === 'Simulator';
  const size = simSizeOf(value.url);
  const label: Record<keyof SimSize, string> = { cpunumber: m.cpuCores, cpuspeed: m.cpuSpeed, memory: m.memoryMb };
  return (
    <>
      <TextField label={m.hostUrl} value={value.url} onChange={(url) => onChange({ url })} hint={m.hostUrlHint} error={errors.url}
        required disabled={disabled} spellCheck={false} />
      {sim && (
        <div className="infra-row" role="group" aria-label={m.simHelp}>
          {SIM_KEYS.map((k) => (
            <TextField key={k} label={label[k]} value={size[k]} inputMode="numeric" disabled={disabled}
              onChange={(v) => onChange({ url: withSimSize(value.url, k, v.replace(/\D/g, '')) })} />
          ))}
        </div>
      )}
      <div className="infra-row">
        <TextField label={m.username} value={value.username} onChange={(username) => onChange({ username })} error={errors.username}
          required={!sim} disabled={disabled} autoComplete="off" />
        <TextField label={m.password} type="password" value={value.password} onChange={(password) => onChange({ password })}
          error={errors.password} required={!sim} disabled={disabled} autoComplete="new-password" />
      </div>
    </>
  );
}
