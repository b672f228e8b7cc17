// Who is calling: API-key signature (v1/v3, SHA1/SHA512) or a login session. Failures are 401 with CloudStack's
// text; nothing about which check failed leaks to the client.
import type { Services } from '../kernel/services';
import type { Caller } from '../identity/caller';
import type { DecodedRequest } from './request';
import { verifySignature, checkSignatureExpiry } from './signature';
import { ApiError } from '../kernel/errors';
import { ErrorCode } from '../contract/errors';


export const UNAUTHORIZED_TEXT = 'unable to verify user credentials and/or request signature';
export const unauthorized = () => new ApiError(ErrorCode.Unauthorized, UNAUTHORIZED_TEXT, null);

export interface AuthInput {
  req: DecodedRequest;
  cookies: Record<string, string>;
  commandKnown: boolean;
}

export async function authenticate(svc: Services, { req, cookies, commandKnown }: AuthInput): Promise<{ caller: Caller; sessionKey?: string }> {
  const apiKey = req.params.get('apikey');
  if (apiKey !== undefined) {
    // CloudStack refuses unknown commands with API-key auth before it checks the signature.
    if (!commandKnown) throw unauthorized();
    const signature = req.params.get('signature');
    if (!signature) throw unauthorized();
    const found = await svc.identity.byApiKey(apiKey);
    if (!found || !found.active) throw unauthorized();
    if (!checkSignatureExpiry(req.raw, svc.clock.now()).ok) throw unauthorized();
    if (!verifySignature(req.raw, signature, found.secretKey)) throw unauthorized();
    return { caller: found.caller };
  }
  const paramKey = req.params.get('sessionkey');
  const cookieKey = cookies['sessionkey'];
  // The key must come as a parameter (a cookie alone would let other sites act for the user); when the cookie
  // is present too, both must agree.
  if (!paramKey || (cookieKey !== undefined && cookieKey !== paramKey)) throw unauthorized();
  const caller = await svc.identity.bySession(paramKey);
  if (!caller) throw unauthorized();
  return { caller, sessionKey: paramKey };
}
