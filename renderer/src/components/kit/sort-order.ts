// What a click on a sortable header asks the server for next. Names and dates go ascending first; use columns
// (CPU %, memory %) descending first, since the point of sorting them is the busiest row on top. A third click
// returns to the list's default order.
const DESC_FIRST = new Set(['cpuused', 'memoryused']);

export function orderAfterClick(current: { sortby?: string; sortorder?: string }, key: string): { sortby?: string; sortorder?: string } {
  const first = DESC_FIRST.has(key) ? 'desc' : 'asc';
  const second = first === 'desc' ? 'asc' : 'desc';
  if (current.sortby !== key) return { sortby: key, sortorder: first };
  if ((current.sortorder ?? 'asc') === first) return { sortby: key, sortorder: second };
  return {};
}
