// A usage header sorts busiest first (the reason to click it); a name or date header oldest/A first; the third
// click goes back to the default order.
import { describe, expect, it } from 'vitest';
import { orderAfterClick } from './sort-order';

describe('orderAfterClick', () => {
  it('cycles usage columns descending, ascending, default', () => {
    const one = orderAfterClick({}, 'cpuused');
    expect(one).toEqual({ sortby: 'cpuused', sortorder: 'desc' });
    const two = orderAfterClick(one, 'cpuused');
    expect(two).toEqual({ sortby: 'cpuused', sortorder: 'asc' });
    expect(orderAfterClick(two, 'cpuused')).toEqual({});
  });

  it('cycles other columns ascending, descending, default, and starts over on another column', () => {
    expect(orderAfterClick({}, 'name')).toEqual({ sortby: 'name', sortorder: 'asc' });
    expect(orderAfterClick({ sortby: 'name' }, 'name')).toEqual({ sortby: 'name', sortorder: 'desc' });
    expect(orderAfterClick({ sortby: 'name', sortorder: 'desc' }, 'name')).toEqual({});
    expect(orderAfterClick({ sortby: 'name', sortorder: 'desc' }, 'memoryused')).toEqual({ sortby: 'memoryused', sortorder: 'desc' });
  });
});
