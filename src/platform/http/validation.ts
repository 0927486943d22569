import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { type FieldError, HttpError } from "../../lib/errors";

/** `orders[3].items[0].price`: the path form every 400 uses. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

export function validationError(error: z.ZodError, where: string): HttpError {
  const errors = fieldErrors(error);
  return new HttpError("validation_failed", `The ${where} has ${errors.length} invalid field(s).`, {
    errors,
  });
}

const TARGET_NAMES: Record<string, string> = {
  json: "request body",
  query: "query string",
  param: "path",
  header: "headers",
  form: "form",
};

/** The validator hook shared by every route, so that every 400 has the same shape. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is generic over every route's env.
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    throw validationError(result.error, TARGET_NAMES[result.target] ?? result.target);
  }
};
