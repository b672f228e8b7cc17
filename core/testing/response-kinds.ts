// Checks a live response object against CloudStack's response types (the JSON kind of every field, the fields
// Strata always sends), for tests that read answers over HTTP.
import { responseJsonKinds, responseRequiredFields } from '../contract/response-json-kinds';

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : typeof v;
}

/** Problems of one object against its type: `VirtualMachine.cpunumber: number expected, got string`. */
export function typeProblems(typeName: string, obj: Record<string, unknown>, path = typeName): string[] {
  const fields = responseJsonKinds[typeName];
  if (!fields) return [`${path}: no response type ${typeName}`];
  const out: string[] = [];
  for (const field of responseRequiredFields[typeName] ?? []) if (!(field in obj)) out.push(`${path}.${field}: missing`);
  for (const [field, value] of Object.entries(obj)) {
    const want = fields[field];
    const at = `${path}.${field}`;
    if (want === undefined) { out.push(`${at}: not a field of ${typeName}`); continue; }
    if (want === 'any') continue;
    const got = kindOf(value);
    const nested = want.endsWith('[]') ? want.slice(0, -2) : responseJsonKinds[want] ? want : undefined;
    const expected = want.endsWith('[]') ? 'array' : nested ? 'object' : want;
    if (got !== expected) { out.push(`${at}: ${expected} expected, got ${got} (${JSON.stringify(value)})`); continue; }
    if (nested && want.endsWith('[]')) (value as Record<string, unknown>[]).forEach((v, i) => out.push(...typeProblems(nested, v, `${at}[${i}]`)));
    else if (nested) out.push(...typeProblems(nested, value as Record<string, unknown>, at));
  }
  return out;
}

