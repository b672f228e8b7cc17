// One object by id for a detail pane (refreshes by itself after actions, since actions invalidate the
// connection's queries), and the pane to show while it loads, fails or has gone.
import { useList } from '../../api/hooks';
import type { Params } from '../../api/cloud-client';
import type { ListCommand, ListItem } from '../../api/list-types';
import { DetailPane } from './ListFrame';
import { useKitMessages } from './messages';
import { fmt } from '../../i18n/messages';
import { errorText } from './typed';

/** What a detail pane gets; spelled out because the inferred type, over every list command, is too long to emit. */
export interface OneResult<N extends ListCommand> {
  item: ListItem<N> | undefined;
  items: ListItem<N>[];
  loading: boolean;
  error: string | null;
  refetch: () => unknown;
}

export function useOne<N extends ListCommand>(command: N, params: Params, opts: { refetchMs?: number; enabled?: boolean } = {}): OneResult<N> {
  const q = useList(command, params, opts);
  return { item: q.data?.items[0], items: q.data?.items ?? [], loading: q.isLoading, error: q.error ? errorText(q.error) : null, refetch: q.refetch };
}

/** The pane shown instead of details while loading, after an error, or when the object is gone (deleted). */
export function PendingPane({ loading, error, onClose, title }: { loading: boolean; error: string | null; onClose(): void; title?: string }) {
  const m = useKitMessages();
  return (
    <DetailPane title={title ?? m.details} onClose={onClose}>
      {loading ? <p className="muted">{m.loading}</p> : error ? <div role="alert" className="error">{fmt(m.failedLoad, { text: error })}</div> : <p className="muted">{m.gone}</p>}
    </DetailPane>
  );
}
