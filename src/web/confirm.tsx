import type { Child } from "hono/jsx";
import { Csrf, Layout, type PageContext } from "./layout";

/**
 * The step before a destructive action: what will happen, in words, and a button that posts the
 * same form again with `confirm=yes`. A plain form, so it works without JavaScript.
 */
export function ConfirmPage(props: {
  page: PageContext;
  current: string;
  title: string;
  action: string;
  fields: Record<string, string | string[]>;
  confirmLabel: string;
  cancelHref: string;
  children: Child;
}) {
  return (
    <Layout title={props.title} page={props.page} current={props.current}>
      <div class="panel confirm">
        {props.children}
        <form method="post" action={props.action} class="inline">
          <Csrf token={props.page.csrfToken} />
          <input type="hidden" name="confirm" value="yes" />
          {Object.entries(props.fields).flatMap(([name, value]) =>
            (Array.isArray(value) ? value : [value]).map((v) => (
              <input type="hidden" name={name} value={v} />
            )),
          )}
          <button type="submit" class="danger">
            {props.confirmLabel}
          </button>
          <a href={props.cancelHref}>Cancel</a>
        </form>
      </div>
    </Layout>
  );
}
