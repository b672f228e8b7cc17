// Accounts: domains tree, accounts, users (with API keys) and roles (with their rules), as sub-tabs
// #/accounts/<tab>. Each tab shows only when the caller's role may list it.
import { Page } from '../../components/Page';
import { useCan, useCloud } from '../../app/client-context';
import { Tabs, TabPanel, useTab } from '../../components/kit/Tabs';
import { useAccountsMessages } from './messages';
import { DomainsTab } from './DomainsTab';
import { AccountsTab } from './AccountsTab';
import { UsersTab } from './UsersTab';
import { RolesTab } from './RolesTab';
import './accounts.css';

export default function AccountsView() {
  const m = useAccountsMessages();
  const { identity } = useCloud();
  const can = { domains: useCan('listDomains'), users: useCan('listUsers'), roles: useCan('listRoles') };
  // A plain user sees one domain and one account: their users (and API keys) come first, no domain tree.
  const user = identity.accountType === 0;
  const tabs = user
    ? [...(can.users ? [{ id: 'users', label: m.users }] : []), { id: 'accounts', label: m.accounts }]
    : [
      ...(can.domains ? [{ id: 'domains', label: m.domains }] : []),
      { id: 'accounts', label: m.accounts },
      ...(can.users ? [{ id: 'users', label: m.users }] : []),
      ...(can.roles ? [{ id: 'roles', label: m.roles }] : []),
    ];
  const { tab, openId } = useTab(tabs.map((t) => t.id));
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="accounts" tabs={tabs} current={tab} label={m.tabs} />
      <TabPanel label={tabs.find((t) => t.id === tab)?.label ?? ''}>
        {tab === 'domains' && <DomainsTab openId={openId} />}
        {tab === 'accounts' && <AccountsTab openId={openId} />}
        {tab === 'users' && <UsersTab openId={openId} />}
        {tab === 'roles' && <RolesTab openId={openId} />}
      </TabPanel>
    </Page>
  );
}
