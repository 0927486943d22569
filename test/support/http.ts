import { exports } from "cloudflare:workers";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const BASE = "https://retail-edge.test";

type Json = Record<string, unknown> | unknown[];

export type CallOptions = {
  method?: string;
  token?: string | null;
  body?: Json | string;
  headers?: Record<string, string>;
};

/** A request to the Worker as a client sends it (JSON body, optional bearer token). */
export async function call(path: string, opts: CallOptions = {}) {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const response = await exports.default.fetch(`${BASE}${path}`, {
    method: opts.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
    redirect: "manual",
  });
  const type = response.headers.get("content-type") ?? "";
  const text = await bodyText(response);
  let json: unknown = null;
  if (text && /json/.test(type)) json = JSON.parse(text);
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes.
  return { status: response.status, headers: response.headers, json: json as any, text };
}

/** A response's body as text; a binary one is read as bytes (workerd warns when not) and is "". */
export async function bodyText(response: Response): Promise<string> {
  const type = response.headers.get("content-type") ?? "";
  if (type === "" || /^text\/|[/+]json\b|[/+]xml\b/.test(type)) return response.text();
  await response.arrayBuffer();
  return "";
}

export const admin = (path: string, opts: Omit<CallOptions, "token"> = {}) =>
  call(path, { ...opts, token: ADMIN_TOKEN });

/** Polls until `check` returns a value (queue consumers run asynchronously). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let counter = 0;
/** A name unique within the run, so tests never collide on unique columns. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

export async function registerAndLogin(opts: { companyId?: number | null } = {}) {
  const username = unique("user_");
  const password = "correct horse battery";
  const registered = await call("/api/v1/auth/register", {
    body: {
      username,
      email: `${username}@example.com`,
      password,
      company_id: opts.companyId ?? null,
    },
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.text}`);
  const login = await call("/api/v1/auth/login", { body: { username, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return {
    user: registered.json,
    access: login.json.access as string,
    refresh: login.json.refresh as string,
    password,
  };
}
