// Placeholder until the events view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="events">Coming soon.</Page>;
}
