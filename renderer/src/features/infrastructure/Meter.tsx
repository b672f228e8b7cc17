// A small allocation bar with its figure: amber from 75 %, red from 90 %, as the dashboard's meters.
export function Meter({ value, text }: { value: number; text?: string }) {
  const v = Math.max(0, Math.min(100, value));
  return (
    <span className="infra-meter" title={`${value.toFixed(1)} %`}>
      <span className={`meter${v >= 90 ? ' full' : v >= 75 ? ' high' : ''}`} role="meter" aria-valuenow={Math.round(v)} aria-valuemin={0} aria-valuemax={100}>
        <span style={{ width: `${v}%` }} />
      </span>
      <span className="infra-meter-text">{value.toFixed(1)} %{text ? ` · ${text}` : ''}</span>
    </span>
  );
}
