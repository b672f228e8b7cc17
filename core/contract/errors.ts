// CloudStack's API error codes (HTTP status = errorcode) and CSExceptionErrorCode values.

export const ErrorCode = {
  Unauthorized: 401,
  MethodNotAllowed: 405,
  Unauthorized2FA: 411,
  ApiLimitExceeded: 429,
  MalformedParameter: 430,
  ParamError: 431,
  UnsupportedAction: 432,
  ServiceUnavailable: 503,
  InternalError: 530,
  AccountError: 531,
  AccountResourceLimit: 532,
  InsufficientCapacity: 533,
  ResourceUnavailable: 534,
  ResourceAllocation: 535,
  ResourceInUse: 536,
  NetworkRuleConflict: 537,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export const CsErrorCode = {
  CloudRuntime: 4250,
  AccountLimit: 4280,
  AgentUnavailable: 4285,
  ConcurrentOperation: 4300,
  InsufficientCapacity: 4325,
  InsufficientServerCapacity: 4335,
  InsufficientStorageCapacity: 4340,
  InternalError: 4345,
  InvalidParameterValue: 4350,
  NetworkRuleConflict: 4360,
  PermissionDenied: 4365,
  ResourceAllocation: 4370,
  ResourceInUse: 4375,
  ResourceUnavailable: 4380,
  ServerApi: 9999,
} as const;

/** The inner object of a CloudStack error envelope. */
export interface ApiErrorBody {
  uuidList: string[];
  errorcode: number;
  cserrorcode?: number;
  errortext: string;
}

/** Job status values of queryAsyncJobResult. */
export const JobStatus = { Pending: 0, Succeeded: 1, Failed: 2 } as const;
