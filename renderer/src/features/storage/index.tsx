// Placeholder until the storage view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="storage">Coming soon.</Page>;
}
