// A resource's tags on its page: each tag as key = value with a remove button, and a small form to add one
// (createTags / deleteTags, tracked in the jobs panel). Shown only when the role may call those commands.
import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { useTagMessages } from './messages';
import './tags.css';

export interface TagView { key?: string; value?: string }

export function TagsCard({ resourceType, resourceId, name, tags }: {
  resourceType: 'UserVm' | 'Volume' | 'Network' | 'Project' | 'Snapshot' | 'Template' | 'ISO'; resourceId: string; name: string; tags: TagView[] | undefined;
}) {
  const m = useTagMessages();
  const run = useAction();
  const canCreate = useCan('createTags');
  const canDelete = useCan('deleteTags');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = tags ?? [];

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    const v = value.trim();
    if (!k || !v) { setError(m.needBoth); return; }
    if (list.some((t) => t.key === k)) { setError(fmt(m.taken, { key: k })); return; }
    setError(null);
    try {
      await run('createTags', { resourcetype: resourceType, resourceids: resourceId, 'tags[0].key': k, 'tags[0].value': v },
        fmt(m.jobAdd, { name, key: k, value: v }));
      setKey('');
      setValue('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = (k: string) => run('deleteTags', { resourcetype: resourceType, resourceids: resourceId, 'tags[0].key': k },
    fmt(m.jobRemove, { name, key: k })).catch((err: Error) => setError(err.message));

  return (
    <Card title={m.tags}>
      {list.length === 0 ? <p className="muted">{m.noTags}</p> : (
        <ul className="tag-list" aria-label={m.tags}>
          {list.map((t) => (
            <li key={t.key} className="tag-chip">
              <span className="tag-key">{t.key}</span>=<span className="tag-value">{t.value}</span>
              {canDelete && <button type="button" className="tag-remove" aria-label={fmt(m.remove, { key: t.key ?? '' })}
                onClick={() => remove(t.key ?? '')}>×</button>}
            </li>
          ))}
        </ul>
      )}
      {canCreate && (
        <form className="tag-form" onSubmit={add}>
          <label>{m.key} <input value={key} onChange={(e) => setKey(e.target.value)} maxLength={255} /></label>
          <label>{m.value} <input value={value} onChange={(e) => setValue(e.target.value)} maxLength={255} /></label>
          <button type="submit">{m.add}</button>
        </form>
      )}
      {error && <div className="error" role="alert">{error}</div>}
    </Card>
  );
}

/** The tags[i].key/value params of a filter typed as "key" or "key=value" (empty: no filter). */
export function tagFilterParams(text: string): Record<string, string> {
  const t = text.trim();
  if (!t) return {};
  const at = t.indexOf('=');
  if (at < 0) return { 'tags[0].key': t };
  const k = t.slice(0, at).trim();
  const v = t.slice(at + 1).trim();
  return v ? { 'tags[0].key': k, 'tags[0].value': v } : { 'tags[0].key': k };
}
