// Placeholder until the images view lands.
import { Page } from '../../components/Page';

export default function View() {
  return <Page title="images">Coming soon.</Page>;
}
