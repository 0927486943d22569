import type { Child } from "hono/jsx";
import type { Principal } from "../env";

export type PageContext = { principal: Principal; csrfToken: string };

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
  notice?: string | undefined;
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
          {props.notice && (
            <p class="notice" role="status">
              {props.notice}
            </p>
          )}
          {props.children}
        </main>
      </body>
    </html>
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

export function money(minor: number): string {
  return (minor / 100).toLocaleString("en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

export function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
