import { html } from "hono/html";
import type { RenderedMail } from "./template";

/** The HTML part of a plain-text mail: escaped, a paragraph per blank-line block, lines kept. */
export async function htmlPart(mail: RenderedMail): Promise<string> {
  const paragraphs = mail.text.split(/\n{2,}/).map((block) => html`<p>${block}</p>`);
  const document = html`<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><title>${mail.subject}</title></head>
<body style="font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.5">
<div style="white-space: pre-line">${paragraphs}</div>
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
