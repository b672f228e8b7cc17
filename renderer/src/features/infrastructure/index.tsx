// Placeholder until the infrastructure view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="infrastructure">Coming soon.</Page>;
}
