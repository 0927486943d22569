import type { Child } from "hono/jsx";
import type { PageFlash, Principal } from "../env";
import { exponentOf, toMajor } from "../lib/money";

export type PageContext = { principal: Principal; csrfToken: string; flash: PageFlash | null };

const NAV = [
  { href: "/dashboard", label: "Dashboard", admin: false },
  { href: "/admin/companies", label: "Companies", admin: true },
  { href: "/admin/orders", label: "Orders", admin: true },
  { href: "/admin/robots", label: "Robots", admin: true },
  { href: "/admin/outbox", label: "Outbox", admin: true },
  { href: "/admin/api-keys", label: "API keys", admin: true },
  { href: "/admin/users", label: "Users", admin: true },
  { href: "/admin/catalog", label: "Catalog", admin: true },
  { href: "/admin/terminals", label: "Terminals", admin: true },
  { href: "/admin/archive", label: "Archive", admin: true },
  { href: "/admin/fx-rates", label: "Rates", admin: true },
];

/** The hidden form field every POST of a signed-in page carries. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

function Header({ page, current }: { page: PageContext | null; current: string }) {
  const p = page?.principal;
  const isAdmin = p?.kind === "user" && p.role === "admin";
  return (
    <header class="top">
      <a class="brand" href="/dashboard">
        Retail Edge
      </a>
      {page && (
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => isAdmin || !item.admin).map((item) => (
              <li>
                <a
                  href={item.href}
                  aria-current={current.startsWith(item.href) ? "page" : undefined}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {page && p?.kind === "user" && (
        <form method="post" action="/logout" class="signout">
          <Csrf token={page.csrfToken} />
          <span class="who">
            {p.username} · {p.role}
          </span>
          <button type="submit">Sign out</button>
        </form>
      )}
    </header>
  );
}

export function Layout(props: {
  title: string;
  page: PageContext | null;
  current?: string;
  scripts?: string[];
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Retail Edge`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <Header page={props.page} current={props.current ?? ""} />
        <main id="main">
          <h1>{props.title}</h1>
          <Flash flash={props.page?.flash ?? null} />
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** The session's one-time message: an outcome in its own style, a secret to copy once. */
function Flash({ flash }: { flash: PageFlash | null }) {
  if (!flash) return null;
  return (
    <div
      class={flash.kind === "error" ? "error" : "notice"}
      role={flash.kind === "error" ? "alert" : "status"}
    >
      <p>{flash.text}</p>
      {flash.secret && (
        <p class="key" data-new-key>
          {flash.secret}
        </p>
      )}
    </div>
  );
}

/** A form field: its label, the control, and what is wrong with the value next to it. */
export function Field(props: {
  label: string;
  name: string;
  error?: string | undefined;
  children: Child;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as the children.
    <label class={props.error ? "invalid" : undefined}>
      {props.label}
      {props.children}
      {props.error && (
        <span class="field-error" id={`${props.name}-error`}>
          {props.error}
        </span>
      )}
    </label>
  );
}

/** A text input inside a Field; `aria-invalid` and the error's id wired for screen readers. */
export function Input(
  props: {
    label: string;
    name: string;
    value?: string | undefined;
    error?: string | undefined;
  } & Record<string, unknown>,
) {
  const { label, name, value, error, ...attrs } = props;
  return (
    <Field label={label} name={name} error={error}>
      <input
        name={name}
        value={value ?? ""}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        {...attrs}
      />
    </Field>
  );
}

/** At the top of a rejected form: that it was not saved, and that the fields say why. */
export function FormProblem({ errors }: { errors: Record<string, string> }) {
  const count = Object.keys(errors).length;
  if (count === 0) return null;
  return (
    <p class="error" role="alert">
      {errors.form ??
        `Not saved: ${count === 1 ? "one field needs" : `${count} fields need`} a change (marked below).`}
    </p>
  );
}

/** A list's search box: `q`, what it matches said in its label, and the way back to all. */
export function SearchForm({
  action,
  q,
  label,
}: {
  action: string;
  q?: string | undefined;
  label: string;
}) {
  return (
    <form method="get" action={action} class="inline" aria-label={label}>
      <label>
        {label}
        <input name="q" type="search" value={q ?? ""} maxlength={100} />
      </label>
      <button type="submit">Search</button>
      {q && <a href={action}>Show all</a>}
    </form>
  );
}

/** A link to the next page of a keyset list, keeping the other query parameters. */
/** A table's header row: every cell a column header; `{ num }` right-aligns a figure's column. */
export function TableHead({ columns }: { columns: readonly (string | { num: string })[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th scope="col">{c}</th>
          ) : (
            <th scope="col" class="num">
              {c.num}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

export function NextPage({ url, cursor }: { url: string; cursor: string | null }) {
  if (!cursor) return null;
  const next = new URL(url);
  next.searchParams.set("cursor", cursor);
  return (
    <p class="pager">
      <a href={`${next.pathname}${next.search}`} rel="next">
        Next page →
      </a>
    </p>
  );
}

/** Minor units for a table, with the currency's digits (2 when it is not named). */
export function money(minor: number, currency?: string): string {
  const exponent = currency === undefined ? 2 : exponentOf(currency);
  return toMajor(minor, exponent).toLocaleString("en-US", {
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
}

export function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
