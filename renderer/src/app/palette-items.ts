// What Ctrl+K can find: the areas, the actions that start something (deploy, add host...), and resources by name
// from the server (a keyword search of each list the role may use, a few hits each).
import type { CloudClient } from '../api/cloud-client';

export interface PaletteItem { id: string; kind: 'area' | 'action' | 'resource'; label: string; detail?: string; path: string[]; query?: Record<string, string>; keywords?: string }

export interface PaletteAction { id: string; gate: string; path: string[]; query?: Record<string, string>; keywords: string }

/** Actions by the command that must be allowed; labels come from the shell's messages under the same id. */
export const PALETTE_ACTIONS: PaletteAction[] = [
  { id: 'actDeploy', gate: 'deployVirtualMachine', path: ['instances'], query: { do: 'deploy' }, keywords: 'deploy create new vm instance 部署 实例 虚拟机' },
  { id: 'actAddHost', gate: 'addHost', path: ['infrastructure', 'hosts'], query: { do: 'add' }, keywords: 'add host kvm simulator 添加 主机' },
  { id: 'actAddZone', gate: 'createZone', path: ['infrastructure', 'zones', 'wizard'], keywords: 'add zone wizard create 区域 向导' },
  { id: 'actRegisterTemplate', gate: 'registerTemplate', path: ['images', 'templates'], query: { do: 'register' }, keywords: 'register template image upload 注册 模板 镜像' },
];

interface Source { gate: string; command: string; itemKey: string; kind: string; params: Record<string, string | boolean>; path(id: string): string[] }

const SOURCES: Source[] = [
  { gate: 'listVirtualMachines', command: 'listVirtualMachines', itemKey: 'virtualmachine', kind: 'VM', params: { listall: true }, path: (id) => ['instances', id] },
  { gate: 'listHosts', command: 'listHosts', itemKey: 'host', kind: 'Host', params: {}, path: (id) => ['infrastructure', 'hosts', id] },
  { gate: 'listZones', command: 'listZones', itemKey: 'zone', kind: 'Zone', params: {}, path: () => ['infrastructure', 'zones'] },
  { gate: 'listTemplates', command: 'listTemplates', itemKey: 'template', kind: 'Template', params: { templatefilter: 'all', listall: true }, path: (id) => ['images', 'templates', id] },
  { gate: 'listNetworks', command: 'listNetworks', itemKey: 'network', kind: 'Network', params: { listall: true }, path: (id) => ['networks', 'networks', id] },
  { gate: 'listVolumes', command: 'listVolumes', itemKey: 'volume', kind: 'Volume', params: { listall: true }, path: (id) => ['storage', 'volumes', id] },
];

/** Up to 5 resources of each kind whose name matches; kinds that fail (or the role cannot list) are left out. */
export async function searchResources(client: CloudClient, apis: Set<string>, keyword: string, kindLabel: (k: string) => string): Promise<PaletteItem[]> {
  const lists = await Promise.all(SOURCES.filter((s) => apis.has(s.gate)).map(async (s) => {
    try {
      const r = await client.call(s.command, { ...s.params, keyword, page: 1, pagesize: 5 });
      return ((r[s.itemKey] as { id: string; name: string; zonename?: string }[] | undefined) ?? []).map((x): PaletteItem => ({
        id: `${s.kind}:${x.id}`, kind: 'resource', label: x.name, detail: `${kindLabel(s.kind)}${x.zonename ? ` · ${x.zonename}` : ''}`, path: s.path(x.id),
      }));
    } catch {
      return [];
    }
  }));
  return lists.flat();
}

/** Matches every word of the query against the label and keywords (any order, case-insensitive). */
export function matches(item: PaletteItem, q: string): boolean {
  const hay = `${item.label} ${item.keywords ?? ''} ${item.id}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}
