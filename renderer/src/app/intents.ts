// Palette actions ("deploy", "add host") open a dialog in another area: they navigate to #/<area>?do=<intent>,
// and the area opens the dialog and drops the parameter (so Back does not reopen it).
import { useEffect, useRef } from 'react';
import { hrefOf, useRoute } from '../state/route-store';

export function useIntent(name: string, enabled: boolean, run: () => void) {
  const intent = useRoute((s) => s.query.do);
  const runRef = useRef(run);
  useEffect(() => { runRef.current = run; });
  useEffect(() => {
    if (intent !== name || !enabled) return;
    const { path, query } = useRoute.getState();
    const rest = Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'do'));
    history.replaceState(history.state, '', hrefOf(path, rest));
    useRoute.setState({ query: rest });
    runRef.current();
  }, [intent, name, enabled]);
}
