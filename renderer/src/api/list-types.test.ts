import { describe, expect, it } from 'vitest';
import { listItems, type ListCommand, type ListItem } from './list-types';

// The `@ts-expect-error` lines are the test of the types: `tsc -b` fails when the contract stops rejecting them.
describe('list types', () => {
  it('types the items of a list command by its declaration', () => {
    const vm: ListItem<'listVirtualMachines'> = { id: 'v', name: 'web-1', state: 'Running', zoneid: 'z', serviceofferingid: 'o', cpunumber: 2 };
    // @ts-expect-error cpunumber is a number in CloudStack's VirtualMachine
    const wrong: ListItem<'listVirtualMachines'> = { ...vm, cpunumber: '2' };
    // @ts-expect-error createZone answers one object, not a list
    const notAList: ListCommand = 'createZone';
    expect([vm.cpunumber, wrong.id, notAList]).toEqual([2, 'v', 'createZone']);
  });

  it("reads the item array of a list answer, whatever the item's name, and none from CloudStack's empty {}", () => {
    expect(listItems<{ id: string }>({ count: 2, host: [{ id: 'a' }, { id: 'b' }] })).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(listItems({})).toEqual([]);
    expect(listItems(undefined)).toEqual([]);
  });
});
