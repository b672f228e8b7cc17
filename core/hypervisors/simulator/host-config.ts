// A simulated host is configured by the query string of its addHost url, e.g.
//   http://sim-host-1/?cpunumber=32&cpuspeed=2400&memory=131072&latency=5&fail=startVm:0.1,createVolume:1
// cpunumber: cores (default 16); cpuspeed: MHz per core (default 2000); memory: MB (default 65536 = 64 GiB);
// latency: ms added to every VM and volume operation (default 0); fail: `method:probability` pairs, comma
// separated, naming HypervisorDriver methods; each call of that method fails with that probability.

export interface SimHostConfig {
  hostname: string;
  cpuNumber: number;
  cpuSpeed: number;
  memoryBytes: number;
  latencyMs: number;
  /** Failure probability (0..1) by driver method name. */
  fail: Map<string, number>;
}

const MB = 1024 * 1024;

function positiveInt(q: URLSearchParams, key: string, dflt: number, allowZero = false): number {
  const v = q.get(key);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || (n === 0 && !allowZero)) {
    throw new Error(`Simulator url: ${key} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${v}"`);
  }
  return n;
}

function parseFail(spec: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (!spec) return out;
  for (const part of spec.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const [op, prob] = t.split(':');
    const pr = prob === undefined ? 1 : Number(prob);
    if (!op || !Number.isFinite(pr) || pr < 0 || pr > 1) {
      throw new Error(`Simulator url: fail entries are method:probability with 0 <= probability <= 1, got "${t}"`);
    }
    out.set(op, pr);
  }
  return out;
}

export function parseSimulatorUrl(url: string): SimHostConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // A bare host name ("sim-host-1") is a valid simulator url too.
    u = new URL(`http://${url}`);
  }
  const q = u.searchParams;
  return {
    hostname: u.hostname || 'simulator',
    cpuNumber: positiveInt(q, 'cpunumber', 16),
    cpuSpeed: positiveInt(q, 'cpuspeed', 2000),
    memoryBytes: positiveInt(q, 'memory', 65536) * MB,
    latencyMs: positiveInt(q, 'latency', 0, true),
    fail: parseFail(q.get('fail')),
  };
}
