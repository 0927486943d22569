import { html } from "hono/html";
import type { MailLocale, RenderedMail } from "./template";

/**
 * The HTML part: the template's own body, or the text escaped, a paragraph per blank-line block
 * with its lines kept.
 */
export async function htmlPart(mail: RenderedMail, locale: MailLocale): Promise<string> {
  const body =
    mail.html ??
    html`<div style="white-space: pre-line">${mail.text
      .split(/\n{2,}/)
      .map((block) => html`<p>${block}</p>`)}</div>`;
  const document = html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${mail.subject}</title></head>
<body style="font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.5">
${body}
</body>
</html>`;
  return (await document).toString();
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** `<mail-id@sender's domain>`: unique per message, stable across redeliveries. */
export function messageIdFor(mailId: string, from: string): string {
  return `<${mailId}@${from.split("@")[1] ?? "retail-edge.example"}>`;
}
