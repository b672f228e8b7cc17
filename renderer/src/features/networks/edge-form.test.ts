// The edge forms' checks: what a user would see under a field before anything is sent, and the arguments sent.
import { describe, expect, it } from 'vitest';
import { emptyFw, emptyLb, emptyPf, fwArgs, fwErrors, lbErrors, pfArgs, pfErrors, portRange } from './edge-form';
import { emptyHealth, healthArgs, healthErrors } from './lb-policy-form';

const m = { required: 'req', badPort: 'port', endBeforeStart: 'order', rangeLength: 'length', badCidr: 'cidr', badIcmp: 'icmp' };

describe('port forwarding form', () => {
  it('names each missing or wrong field', () => {
    expect(pfErrors(emptyPf(), m)).toEqual({ publicport: 'req', privateport: 'req', vmid: 'req' });
    expect(pfErrors({ ...emptyPf(), publicport: '70000', privateport: '22', vmid: 'v', cidrlist: '10.0.0.0/33' }, m))
      .toEqual({ publicport: 'port', cidrlist: 'cidr' });
  });
  it('wants ranges of the same length, in order', () => {
    const f = { ...emptyPf(), publicport: '8000', publicendport: '8010', privateport: '80', vmid: 'v' };
    expect(pfErrors(f, m)).toEqual({ privateendport: 'length' });
    expect(pfErrors({ ...f, privateendport: '90' }, m)).toEqual({});
    expect(pfErrors({ ...f, publicendport: '7999' }, m)).toEqual({ publicendport: 'order' });
  });
  it('sends numbers and a CIDR list, leaving out what is empty', () => {
    expect(pfArgs('ip', { ...emptyPf(), publicport: '2222', privateport: '22', vmid: 'v', cidrlist: ' 10.0.0.0/8, 192.0.2.1/32 ' })).toEqual({
      ipaddressid: 'ip', protocol: 'tcp', virtualmachineid: 'v', publicport: 2222, publicendport: undefined, privateport: 22,
      privateendport: undefined, cidrlist: ['10.0.0.0/8', '192.0.2.1/32'],
    });
  });
});

describe('firewall and load balancer forms', () => {
  it('asks ingress tcp rules for a port, egress ones not; icmp takes type and code', () => {
    expect(fwErrors(emptyFw(), m, { portsRequired: true })).toEqual({ startport: 'req' });
    expect(fwErrors(emptyFw(), m, { portsRequired: false })).toEqual({});
    expect(fwErrors({ ...emptyFw(), protocol: 'icmp', icmptype: '300' }, m, { portsRequired: true })).toEqual({ icmptype: 'icmp' });
    expect(fwArgs({ ...emptyFw(), protocol: 'icmp', startport: '22', icmptype: '8', icmpcode: '0' }))
      .toEqual({ protocol: 'icmp', startport: undefined, endport: undefined, icmptype: 8, icmpcode: 0 });
  });
  it('a load balancer rule needs a name and both ports', () => {
    expect(lbErrors(emptyLb(), m)).toEqual({ name: 'req', publicport: 'req', privateport: 'req' });
  });
  it('shows a port range only when it is one', () => {
    expect([portRange('80', '80'), portRange('8000', '8010'), portRange(undefined, undefined)]).toEqual(['80', '8000–8010', '—']);
  });
});

describe('health check policy form', () => {
  const hm = { badPositive: 'positive', badPath: 'path', timeoutOverInterval: 'timeout' };
  it('names a path without /, a count below 1 and a timeout over the interval; sends only what was given', () => {
    expect(healthErrors(emptyHealth(), hm)).toEqual({});
    expect(healthErrors({ ...emptyHealth(), pingpath: 'health', healthythreshold: '0' }, hm)).toEqual({ pingpath: 'path', healthythreshold: 'positive' });
    expect(healthErrors({ ...emptyHealth(), intervaltime: '2', responsetimeout: '3' }, hm)).toEqual({ responsetimeout: 'timeout' });
    expect(healthArgs({ ...emptyHealth(), pingpath: ' /up ', unhealthythreshold: '' }))
      .toEqual({ pingpath: '/up', intervaltime: 5, responsetimeout: 2, healthythreshold: 2, unhealthythreshold: undefined });
  });
});
