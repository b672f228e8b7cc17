// Instances area: #/instances is the list (filters in the query), #/instances/<id> one VM.
import { useRoute } from '../../state/route-store';
import { InstanceList } from './InstanceList';
import { InstanceDetail } from './InstanceDetail';
import './instances.css';

export default function View() {
  const id = useRoute((s) => s.path[1]);
  return id ? <InstanceDetail key={id} id={id} /> : <InstanceList />;
}
