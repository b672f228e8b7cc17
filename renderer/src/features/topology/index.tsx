// Placeholder until the topology view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="topology">Coming soon.</Page>;
}
