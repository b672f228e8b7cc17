// linkUserDataToTemplate: a template (or ISO) carries registered user data that VMs deployed from it get, with a
// policy for a deploy's own user data (guest-access/user-data.ts).
import type { CallContext } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { guestAccessCommands } from '../contract/commands/guest-access';
import type { Template } from '../contract/responses';
import { invalidParam, notFound } from '../kernel/errors';
import { ownedImage } from '../catalog/template-manage';
import { imageResponses } from '../catalog/template-format';

type Args = ArgsOf<typeof guestAccessCommands['linkUserDataToTemplate']>;

export async function linkUserDataToTemplate(ctx: CallContext, a: Args): Promise<Template> {
  if ((a.templateid === undefined) === (a.isoid === undefined)) throw invalidParam('Either templateid or isoid must be specified, not both');
  const id = (a.templateid ?? a.isoid)!;
  const image = await ownedImage(ctx, id, a.templateid !== undefined ? 'template' : 'iso');
  const db = ctx.svc.db;
  if (a.userdataid !== undefined) {
    const u = await db.selectFrom('user_data').select(['id', 'account_id', 'domain_id']).where('id', '=', a.userdataid).executeTakeFirst();
    if (!u) throw notFound(ctx.command, 'userdataid', a.userdataid);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: u.account_id, domainId: u.domain_id });
  }
  await db.updateTable('templates').set({
    userdata_id: a.userdataid ?? null, userdata_policy: a.userdataid ? (a.userdatapolicy?.toUpperCase() ?? 'ALLOWOVERRIDE') : null,
  }).where('id', '=', image.id).execute();
  const [first] = await imageResponses(ctx.svc, ctx.caller, image.id);
  return first;
}
