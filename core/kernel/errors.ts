// ApiError carries CloudStack's error code, cserrorcode and text across the core; the dispatcher turns it into
// the error envelope (or a failed job result).
import { ErrorCode, CsErrorCode } from '../contract/errors';

export class ApiError extends Error {
  constructor(
    readonly errorcode: number,
    message: string,
    cserrorcode: number | null = CsErrorCode.ServerApi,
    readonly uuidList: string[] = [],
  ) {
    super(message);
    // null means "none": errors raised before dispatch (401) carry no cserrorcode in CloudStack.
    this.cserrorcode = cserrorcode ?? undefined;
  }
  readonly cserrorcode: number | undefined;
}

/** Longest piece of caller input quoted in an error text. */
export const MAX_ECHO_CHARS = 200;

/**
 * Caller input as quoted in an error text: cut to MAX_ECHO_CHARS (a 1 MB parameter must not come back as a 1 MB
 * errortext and X-Description header), marked with '...' where it was cut.
 */
export function echo(value: string): string {
  if (value.length <= MAX_ECHO_CHARS) return value;
  // Do not split a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(value[MAX_ECHO_CHARS - 1]) ? MAX_ECHO_CHARS - 1 : MAX_ECHO_CHARS;
  return `${value.slice(0, end)}...`;
}

/** 431 with CloudStack's exact text for an id that does not exist (clients match on it). */
export function notFound(command: string, param: string, value: string): ApiError {
  return new ApiError(ErrorCode.ParamError,
    `Unable to execute API command ${command.toLowerCase()} due to invalid value. Invalid parameter ${param} ` +
    `value=${echo(value)} due to incorrect long value format, or entity does not exist or due to incorrect parameter ` +
    `annotation for the field in api cmd class.`, CsErrorCode.ServerApi);
}

export const invalidParam = (text: string) => new ApiError(ErrorCode.ParamError, text, CsErrorCode.InvalidParameterValue);
export const permissionDenied = (text: string) => new ApiError(ErrorCode.AccountError, text, CsErrorCode.PermissionDenied);
export const resourceInUse = (text: string) => new ApiError(ErrorCode.ResourceInUse, text, CsErrorCode.ResourceInUse);
export const insufficientCapacity = (text: string) =>
  new ApiError(ErrorCode.InsufficientCapacity, text, CsErrorCode.InsufficientServerCapacity);
export const resourceUnavailable = (text: string) =>
  new ApiError(ErrorCode.ResourceUnavailable, text, CsErrorCode.ResourceUnavailable);
export const internalError = (text: string) => new ApiError(ErrorCode.InternalError, text, CsErrorCode.InternalError);
