// Placeholder until the instances view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="instances">Coming soon.</Page>;
}
