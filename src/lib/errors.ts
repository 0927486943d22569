import type { ContentfulStatusCode } from "hono/utils/http-status";

const STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;

const TITLE: Record<ErrorCode, string> = {
  bad_request: "Bad request",
  validation_failed: "Validation failed",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  rate_limited: "Too many requests",
  internal: "Internal server error",
};

export type FieldError = { path: string; message: string };

/** The one error type of the API; `onError` renders it as RFC 9457 problem+json. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string,
    opts: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "ApiError";
    this.code = code;
    this.errors = opts.errors ?? [];
    this.headers = opts.headers ?? {};
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export function codeForStatus(status: number): ErrorCode {
  const found = (Object.keys(STATUS) as ErrorCode[]).find(
    (code) => code !== "validation_failed" && STATUS[code] === status,
  );
  if (found) return found;
  return status >= 500 ? "internal" : "bad_request";
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors: FieldError[];
};

export function toProblem(error: ApiError, instance: string, requestId?: string): Problem {
  return {
    type: `urn:retail-edge:problem:${error.code}`,
    title: TITLE[error.code],
    status: error.status,
    detail: error.message,
    instance,
    request_id: requestId,
    errors: error.errors,
  };
}

export function problemResponse(error: ApiError, instance: string, requestId?: string): Response {
  return new Response(JSON.stringify(toProblem(error, instance, requestId)), {
    status: error.status,
    headers: { "content-type": "application/problem+json", ...error.headers },
  });
}
