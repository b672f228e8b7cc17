// Infrastructure: #/infrastructure/<tab> lists (zones, pods, clusters, hosts, primary, secondary storage),
// #/infrastructure/hosts/<id> one host, #/infrastructure/zones/wizard the zone wizard.
import { Page } from '../../components/Page';
import { useRoute } from '../../state/route-store';
import { useInfraMessages } from './messages';
import { ZonesTab, PodsTab, ClustersTab } from './GroupTabs';
import { HostsTab } from './HostsTab';
import { PrimaryStorageTab, SecondaryStorageTab } from './StorageTabs';
import { HostDetails } from './HostDetails';
import { ZoneWizard } from './wizard/ZoneWizard';
import './infrastructure.css';

const TABS = ['zones', 'pods', 'clusters', 'hosts', 'primary', 'secondary'] as const;
type Tab = typeof TABS[number];

export default function InfrastructureView() {
  const m = useInfraMessages();
  const path = useRoute((s) => s.path);
  const navigate = useRoute((s) => s.navigate);
  const tab: Tab = (TABS as readonly string[]).includes(path[1]) ? (path[1] as Tab) : 'zones';
  const sub = path[2];
  if (tab === 'hosts' && sub) return <HostDetails key={sub} id={sub} />;
  if (tab === 'zones' && sub === 'wizard') return <ZoneWizard />;

  const onKey = (e: React.KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const j = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (j < 0) return;
    e.preventDefault();
    navigate(['infrastructure', TABS[j]]);
    requestAnimationFrame(() => document.getElementById(`infra-tab-${TABS[j]}`)?.focus());
  };
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <div className="infra-tabs" role="tablist" aria-label={m.tabs} onKeyDown={onKey}>
        {TABS.map((t) => (
          <button key={t} id={`infra-tab-${t}`} role="tab" aria-selected={t === tab} aria-controls="infra-panel" tabIndex={t === tab ? 0 : -1}
            onClick={() => navigate(['infrastructure', t])}>{m[t]}</button>
        ))}
      </div>
      <div id="infra-panel" role="tabpanel" aria-labelledby={`infra-tab-${tab}`} className="infra-panel">
        {tab === 'zones' && <ZonesTab key="zones" />}
        {tab === 'pods' && <PodsTab key="pods" />}
        {tab === 'clusters' && <ClustersTab key="clusters" />}
        {tab === 'hosts' && <HostsTab key="hosts" />}
        {tab === 'primary' && <PrimaryStorageTab key="primary" />}
        {tab === 'secondary' && <SecondaryStorageTab key="secondary" />}
      </div>
    </Page>
  );
}
