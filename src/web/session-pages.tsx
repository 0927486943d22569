import { signIn, signInLimit, signOut } from "../modules/auth";
import { guards } from "../platform/http/guards";
import { Layout } from "./layout";
import { formOf, page, sameOriginPath } from "./page";

/**
 * Where to go after signing in: a path of this site, else the dashboard. A `next` that is not
 * one (another origin, a control character) is dropped, never an error: the sign-in still works.
 */
function safeNext(next: string | undefined, requestUrl: string): string {
  return (next ? sameOriginPath(next, requestUrl) : null) ?? "/dashboard";
}

function LoginForm(props: { next: string; error?: string; username?: string }) {
  return (
    <Layout title="Sign in" page={null}>
      <div class="login">
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action="/login" class="stack">
          <input type="hidden" name="next" value={props.next} />
          <label>
            Username
            <input name="username" autocomplete="username" required value={props.username ?? ""} />
          </label>
          <label>
            Password
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}

export const sessionPages = [
  page({ method: "get", path: "/login", name: "login", guard: guards.public }, (c) =>
    c.html(<LoginForm next={safeNext(c.req.query("next"), c.req.url)} />),
  ),
  page(
    {
      method: "post",
      path: "/login",
      name: "signIn",
      guard: guards.public,
      rateLimit: signInLimit,
    },
    async (c) => {
      const form = await formOf(c);
      const next = safeNext(form.text("next"), c.req.url);
      const outcome = await signIn(c, form.text("username"), form.text("password"));
      if (outcome === "ok") return c.redirect(next, 303);
      const error =
        outcome === "wrong"
          ? "Unknown username or wrong password."
          : "This account has no web role; an admin can grant one.";
      return c.html(<LoginForm next={next} error={error} username={form.text("username")} />, 401);
    },
  ),
  page({ method: "post", path: "/logout", name: "signOut", guard: guards.user }, async (c) => {
    await signOut(c);
    return c.redirect("/login", 303);
  }),
  page({ method: "get", path: "/", name: "home", guard: guards.public }, (c) =>
    c.redirect("/dashboard", 302),
  ),
];
