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

/** 431 with CloudStack's exact text for an id that does not exist (clients match on it). */
export function notFound(command: string, param: string, value: string): ApiError {
  return new ApiError(ErrorCode.ParamError,
    `Unable to execute API command ${command.toLowerCase()} due to invalid value. Invalid parameter ${param} ` +
    `value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter ` +
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
