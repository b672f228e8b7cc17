// The instances list's filters live in the route query (#/instances?state=Running&zoneid=...), so a filtered view
// is a link that can be shared, bookmarked and reached again with Back.
import { hrefOf, useRoute } from '../../state/route-store';
import { orderAfterClick } from '../../components/kit/sort-order';

/** `tag` is "key" or "key=value", sent as tags[0].key/value. */
export const FILTER_KEYS = ['keyword', 'state', 'zoneid', 'hostid', 'account', 'domainid', 'tag', 'groupid', 'affinitygroupid'] as const;
/** The order (listVirtualMachines' sortby/sortorder extension) travels with the filters but is not one. */
const QUERY_KEYS = [...FILTER_KEYS, 'sortby', 'sortorder'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type ListQuery = Partial<Record<(typeof QUERY_KEYS)[number], string>>;

export function listQueryOf(q: Record<string, string>): ListQuery {
  const out: ListQuery = {};
  for (const k of QUERY_KEYS) if (q[k]) out[k] = q[k];
  return out;
}

/** A click on a sortable header: one order, the other, then back to the server's default order (orderAfterClick). */
export function nextSort(q: ListQuery, key: string): ListQuery {
  const { sortby, sortorder, ...rest } = q;
  return { ...rest, ...orderAfterClick({ sortby, sortorder }, key) };
}

export const hasFilters = (q: ListQuery) => FILTER_KEYS.some((k) => !!q[k]);

let remembered: ListQuery = {};

/** The list's last filters, so the detail page's "Instances" link returns to the same view. */
export const lastListQuery = () => remembered;

/**
 * Applies new filters. Discrete choices (state, zone, host) add a history entry so Back undoes them; typing in the
 * search box replaces the entry instead, so Back does not step through every debounced keystroke.
 */
export function setListQuery(next: ListQuery, replace = false) {
  const clean = listQueryOf(next as Record<string, string>);
  remembered = clean;
  if (replace) {
    history.replaceState(history.state, '', hrefOf(['instances'], clean));
    useRoute.setState({ path: ['instances'], query: clean });
  } else {
    useRoute.getState().navigate(['instances'], clean);
  }
}

export function rememberListQuery(q: ListQuery) { remembered = q; }
