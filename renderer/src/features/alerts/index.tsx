// Placeholder until the alerts view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="alerts">Coming soon.</Page>;
}
