// The server build (PNG through pngjs and node:zlib): the package's browser build, which
// bundlers pick for Workers, draws on a <canvas> that Workers do not have.
import { toBuffer } from "qrcode/lib/server.js";
import { z } from "zod";
import { defineTemplate } from "../../platform/mail/template";
import { qrText } from "./service";

/** The company's contacts as a QR code PNG, rendered when the mail is sent. */
export const companyQrMail = defineTemplate({
  name: "company-qr",
  data: z.object({ companyId: z.number().int().positive() }),
  render: async ({ companyId }, ctx) => {
    const { name, text } = await qrText(ctx.db, companyId);
    const png = await toBuffer(text, {
      type: "png",
      errorCorrectionLevel: "M",
      margin: 2,
      scale: 6,
    });
    return {
      subject: `QR-код компании ${name}`,
      text: `Во вложении QR-код с контактными данными компании ${name}.`,
      attachments: [
        {
          filename: `company-${companyId}-qr.png`,
          contentType: "image/png",
          content: new Uint8Array(png),
        },
      ],
    };
  },
});
