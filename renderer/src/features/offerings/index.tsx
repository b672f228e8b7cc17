// Placeholder until the offerings view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="offerings">Coming soon.</Page>;
}
