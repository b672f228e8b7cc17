// A list's tag filter: "key" or "key=value", applied on Enter or when the field loses focus (the lists send it as
// tags[0].key/value, which the server filters by). The parent keys it by `value`, so a filter changed elsewhere
// (Back, Clear filters) starts it afresh.
import { useState } from 'react';
import { Field } from '../../components/Page';
import { useTagMessages } from './messages';

export function TagFilter({ value, onApply }: { value: string; onApply: (tag: string) => void }) {
  const m = useTagMessages();
  const [text, setText] = useState(value);
  const apply = () => { if (text.trim() !== value) onApply(text.trim()); };
  return (
    <Field label={m.filterTag}>
      <input type="search" value={text} placeholder={m.filterTagHint} onChange={(e) => setText(e.target.value)}
        onBlur={apply} onKeyDown={(e) => { if (e.key === 'Enter') apply(); }} />
    </Field>
  );
}
