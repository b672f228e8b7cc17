// listApis and listCapabilities. login/logout are handled by the dispatcher itself (they touch cookies), so
// their handlers here are never reached through HTTP.
import { baseCommands } from '../contract/commands/base';
import type { CommandDecl } from '../contract/command';
import { implement } from '../kernel/handler';
import type { Registry } from '../kernel/registry';
import { ApiError } from '../kernel/errors';
import { settingFlag } from '../kernel/settings';
import { canManageNetworks, guestNetworkingOf } from '../hypervisors/qemu/guest-net';

function describeApi(decl: CommandDecl) {
  return {
    name: decl.name,
    description: decl.description,
    isasync: decl.async,
    since: decl.since ?? '4.0.0',
    type: '',
    related: '',
    params: Object.entries(decl.params).map(([name, s]) => ({
      name,
      description: s.description,
      type: s.type,
      length: s.length,
      required: s.required,
      since: '',
      related: '',
    })),
    response: [],
  };
}

export function createBaseModule(registry: () => Registry) {
  return implement(baseCommands, {
    login: () => { throw new ApiError(405, 'Please use HTTP POST to authenticate using this API'); },
    logout: () => ({ description: 'success' }),
    listApis: async (ctx, a) => {
      const items = [];
      for (const r of registry().values()) {
        if (a.name && r.decl.name !== a.name) continue;
        if (await ctx.svc.identity.isAllowed(ctx.caller, r.decl)) items.push(describeApi(r.decl));
      }
      return { count: items.length, items };
    },
    listCapabilities: async (ctx) => ({
      cloudstackversion: ctx.svc.config.version,
      securitygroupsenabled: false,
      userpublictemplateenabled: true,
      allowusercreateprojects: false,
      customdiskofferingmaxsize: 1024,
      customdiskofferingminsize: 1,
      kvmsnapshotenabled: true,
      supportELB: 'false',
      projectinviterequired: false,
      allowuserviewdestroyedvm: true,
      allowuserexpungerecovervm: false,
      allowuserviewalldomainaccounts: false,
      apilimitinterval: 1,
      apilimitmax: 0,
      dynamicrolesenabled: true,
      regionsecondaryenabled: false,
      defaultuipagesize: ctx.svc.config.maxPageSize,
      instancesstatsretentiontime: 1440,
      instancesstatsuseronly: false,
      instancesdisksstatsretentionenabled: false,
      instancesdisksstatsretentiontime: 0,
      // Extension: what KVM VMs on this server's own machine get (the zone wizard says it before a host is added).
      kvmguestnetworking: (await settingFlag(ctx.svc, 'network.kvm.datapath'))
        ? guestNetworkingOf(canManageNetworks()) : 'user-mode (lab-only): the setting network.kvm.datapath is false',
    }),
  });
}
