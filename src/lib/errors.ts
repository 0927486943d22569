import type { ContentfulStatusCode } from "hono/utils/http-status";

const STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_reused: 409,
  month_archived: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
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
  idempotency_key_reused: "Idempotency key reused",
  month_archived: "Month archived",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  rate_limited: "Too many requests",
  internal: "Internal server error",
  unavailable: "Service unavailable",
};

export type FieldError = { path: string; message: string };

/** What a service can refuse, in domain terms; the HTTP layer maps it to a status. */
export type DomainErrorKind = "invalid" | "not_found" | "conflict" | "forbidden";

/** Thrown by services: a refusal the client can act on. Never carries HTTP details. */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly errors: FieldError[];

  constructor(kind: DomainErrorKind, detail: string, errors: FieldError[] = []) {
    super(detail);
    this.name = "DomainError";
    this.kind = kind;
    this.errors = errors;
  }
}

export const notFound = (detail: string) => new DomainError("not_found", detail);
export const conflict = (detail: string, errors: FieldError[] = []) =>
  new DomainError("conflict", detail, errors);
export const forbidden = (detail: string) => new DomainError("forbidden", detail);
/** One invalid field, named by its path (`supplier_id`, `orders[3].order_number`). */
export const invalidField = (path: string, message: string) =>
  new DomainError("invalid", message, [{ path, message }]);

/** Thrown by the HTTP layer (credentials, methods, bodies, limits), with its headers. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;
  /** RFC 9457 extension members, e.g. the stored transaction an idempotency key names. */
  readonly extensions: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail: string,
    opts: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = "HttpError";
    this.code = code;
    this.errors = opts.errors ?? [];
    this.headers = opts.headers ?? {};
    this.extensions = opts.extensions ?? {};
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

const DOMAIN_CODE: Record<DomainErrorKind, ErrorCode> = {
  invalid: "validation_failed",
  not_found: "not_found",
  conflict: "conflict",
  forbidden: "forbidden",
};

export function codeForStatus(status: number): ErrorCode {
  const found = (Object.keys(STATUS) as ErrorCode[]).find(
    (code) =>
      code !== "validation_failed" &&
      code !== "idempotency_key_reused" &&
      code !== "month_archived" &&
      STATUS[code] === status,
  );
  if (found) return found;
  return status >= 500 ? "internal" : "bad_request";
}

/** Any error a request can end with → the one HttpError shape the problem renderer knows. */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) {
    return new HttpError(DOMAIN_CODE[error.kind], error.message, { errors: error.errors });
  }
  return null;
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

export function toProblem(error: HttpError, instance: string, requestId?: string): Problem {
  return {
    ...error.extensions,
    type: `urn:retail-edge:problem:${error.code}`,
    title: TITLE[error.code],
    status: error.status,
    detail: error.message,
    instance,
    request_id: requestId,
    errors: error.errors,
  };
}

export function problemResponse(error: HttpError, instance: string, requestId?: string): Response {
  return new Response(JSON.stringify(toProblem(error, instance, requestId)), {
    status: error.status,
    headers: { "content-type": "application/problem+json", ...error.headers },
  });
}
