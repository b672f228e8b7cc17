// Placeholder until the dashboard view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="dashboard">Coming soon.</Page>;
}
