// Adds a running VM's console to the workspace: a server-side search (keyword, Running only, one short page), so
// it stays quick with any number of VMs.
import { useEffect, useState } from 'react';
import { useList } from '../../api/hooks';
import { useConsoleMessages } from './messages';
import { hasConsole } from './entry';


export function AddConsole({ onAdd }: { onAdd(vm: { id: string; name: string }): void }) {
  const m = useConsoleMessages();
  const [text, setText] = useState('');
  const [keyword, setKeyword] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setKeyword(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const q = useList('listVirtualMachines',
    { keyword, state: 'Running', listall: true, page: 1, pagesize: 8 }, { enabled: keyword !== '' });
  const rows = keyword ? (q.data?.items ?? []).filter(hasConsole) : [];

  return (
    <div className="vmc-add">
      <input type="search" aria-label={m.addConsole} placeholder={m.searchPlaceholder} value={text}
        onChange={(e) => setText(e.target.value)} onKeyDown={(e) => { if (e.key === 'Escape') setText(''); }} />
      {keyword && (
        <ul className="vmc-add-list" aria-label={m.searchVm}>
          {q.error && <li className="bad-text">{q.error.message}</li>}
          {!q.error && q.isFetched && rows.length === 0 && <li className="muted">{m.noMatches}</li>}
          {rows.map((v) => (
            <li key={v.id}>
              <span>{v.displayname || v.name}{v.hostname && <span className="muted"> · {v.hostname}</span>}</span>
              <button onClick={() => { onAdd({ id: v.id, name: v.displayname || v.name }); setText(''); }}
                aria-label={`${m.add} ${v.displayname || v.name}`}>{m.add}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
