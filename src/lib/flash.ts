/** A one-time message for a session's next page; `secret` is shown once and then gone. */
export type PageFlash = { kind: "success" | "error"; text: string; secret?: string };
