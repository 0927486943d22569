// The server build (PNG through pngjs and node:zlib): the package's browser build, which
// bundlers pick for Workers, draws on a <canvas> that Workers do not have.
import { html } from "hono/html";
import { toBuffer } from "qrcode/lib/server.js";
import { z } from "zod";
import { defineTemplate } from "../../platform/mail/template";
import { qrText } from "./service";

const TEXTS = {
  ru: {
    subject: (name: string) => `QR-код компании ${name}`,
    text: (name: string) => `Во вложении QR-код с контактными данными компании ${name}.`,
    intro: (name: string) => `QR-код с контактными данными компании ${name}:`,
    contacts: "Контакты",
    alt: (name: string) => `QR-код компании ${name}`,
  },
  en: {
    subject: (name: string) => `QR code of ${name}`,
    text: (name: string) => `Attached: a QR code with the contact details of ${name}.`,
    intro: (name: string) => `A QR code with the contact details of ${name}:`,
    contacts: "Contacts",
    alt: (name: string) => `QR code of ${name}`,
  },
};

/**
 * The company's contacts as a QR code PNG, rendered when the mail is sent: attached, and shown
 * inline in the HTML part next to the same contacts in words.
 */
export const companyQrMail = defineTemplate({
  name: "company-qr",
  data: z.object({ companyId: z.number().int().positive() }),
  render: async ({ companyId }, ctx) => {
    const t = TEXTS[ctx.config.MAIL_LOCALE];
    const { name, text, contacts } = await qrText(ctx.db, companyId);
    const png = await toBuffer(text, {
      type: "png",
      errorCorrectionLevel: "M",
      margin: 2,
      scale: 6,
    });
    return {
      subject: t.subject(name),
      text: t.text(name),
      html: html`<p>${t.intro(name)}</p>
<p><img src="cid:company-qr" alt="${t.alt(name)}" width="240" height="240" style="display:block"></p>
<h2 style="font-size:16px">${t.contacts}</h2>
<p><strong>${name}</strong><br><a href="mailto:${contacts.email}">${contacts.email}</a><br>${contacts.address}</p>`,
      attachments: [
        {
          filename: `company-${companyId}-qr.png`,
          contentType: "image/png",
          content: new Uint8Array(png),
          contentId: "company-qr",
        },
      ],
    };
  },
});
