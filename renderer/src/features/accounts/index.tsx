// Placeholder until the accounts view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="accounts">Coming soon.</Page>;
}
