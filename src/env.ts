import type { PageFlash } from "./lib/flash";
import type { ServiceContext } from "./platform/context";

export type { PageFlash } from "./lib/flash";
export type { Principal, Role, Scope } from "./lib/principal";

/** The Hono environment of every route: the bindings, and what middleware puts on the context. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    ctx: ServiceContext;
    /** The signed-in page's form token (pages only). */
    csrfToken?: string;
    /** The signed-in page's session, and the one-time message it holds (pages only). */
    session?: { id: string; flash: PageFlash | null };
  };
};
