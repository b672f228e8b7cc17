// The create-network form's checks: what an operator would mistype, caught with the message that says so.
import { describe, expect, it } from 'vitest';
import { createNetworkArgs, emptyNetworkForm, inSubnet, isVlanId, networkFormErrors, type NetworkForm } from './network-form';

const m = { required: 'req', badIp: 'ip', badNetmask: 'mask', badVlan: 'vlan', outsideSubnet: 'out', endBeforeStart: 'order', isGateway: 'gw', bothGateway: 'both' };
const shared = (p: Partial<NetworkForm>): NetworkForm => ({
  ...emptyNetworkForm('Shared'), name: 's', zoneid: 'z', offeringid: 'o', gateway: '192.168.50.1', startip: '192.168.50.10', endip: '192.168.50.99', vlan: '200', ...p,
});

describe('network form', () => {
  it('accepts a complete shared network and sends only what was given', () => {
    expect(networkFormErrors(shared({}), m, { vlanRequired: true })).toEqual({});
    expect(createNetworkArgs(shared({ displaytext: '  ' }))).toMatchObject({ name: 's', vlan: '200', acltype: 'Domain', displaytext: undefined, netmask: '255.255.255.0' });
  });

  it('names the field and the mistake', () => {
    expect(networkFormErrors(shared({ gateway: '192.168.50', vlan: '5000', startip: '' }), m, { vlanRequired: true }))
      .toEqual({ gateway: 'ip', vlan: 'vlan', startip: 'req' });
    expect(networkFormErrors(shared({ netmask: '255.0.255.0' }), m, { vlanRequired: true })).toEqual({ netmask: 'mask' });
    expect(networkFormErrors(shared({ endip: '192.168.51.5' }), m, { vlanRequired: true })).toEqual({ endip: 'out' });
    expect(networkFormErrors(shared({ startip: '192.168.50.50', endip: '192.168.50.20' }), m, { vlanRequired: true })).toEqual({ endip: 'order' });
    expect(networkFormErrors(shared({ startip: '192.168.50.1' }), m, { vlanRequired: true })).toEqual({ startip: 'gw' });
  });

  it('an isolated network takes both or neither of gateway and netmask; L2 needs only its VLAN', () => {
    const iso = { ...emptyNetworkForm('Isolated'), name: 'i', zoneid: 'z', offeringid: 'o' };
    expect(networkFormErrors(iso, m, { vlanRequired: false })).toEqual({});
    expect(networkFormErrors({ ...iso, gateway: '10.9.0.1' }, m, { vlanRequired: false })).toEqual({ netmask: 'both' });
    const l2 = { ...emptyNetworkForm('L2'), name: 'l', zoneid: 'z', offeringid: 'o', gateway: 'junk' };
    expect(networkFormErrors(l2, m, { vlanRequired: true })).toEqual({ vlan: 'req' });
    expect(createNetworkArgs({ ...l2, vlan: '300' })).toMatchObject({ vlan: '300', gateway: undefined, acltype: undefined });
  });

  it('knows VLAN IDs and subnets', () => {
    expect([isVlanId('1'), isVlanId('4094'), isVlanId('vlan://7'), isVlanId('0'), isVlanId('4095'), isVlanId('1.5')]).toEqual([true, true, true, false, false, false]);
    expect([inSubnet('10.1.255.9', '10.1.0.1', '255.255.0.0'), inSubnet('10.2.0.9', '10.1.0.1', '255.255.0.0')]).toEqual([true, false]);
  });
});
