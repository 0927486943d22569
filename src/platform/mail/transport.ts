import type { Config } from "../../lib/config";
import type { RenderedMail } from "./template";

export type Envelope = RenderedMail & { to: string };

/** Where a rendered mail goes once it is recorded in the outbox. */
export type MailTransport = { name: string; send(mail: Envelope): Promise<void> };

// Locally and in tests the outbox row is the delivery: the consumer marks it sent.
const outboxTransport: MailTransport = { name: "outbox", send: async () => {} };

function sendEmailTransport(binding: SendEmail, from: string): MailTransport {
  return {
    name: "send_email",
    async send(mail) {
      await binding.send({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: mail.attachments.map((a) => ({
          filename: a.filename,
          type: a.contentType,
          content: a.content.slice().buffer,
          disposition: "attachment" as const,
        })),
      });
    },
  };
}

export function createTransport(env: Env, config: Config): MailTransport {
  return config.MAIL_TRANSPORT === "send_email"
    ? sendEmailTransport(env.EMAIL, config.MAIL_FROM)
    : outboxTransport;
}
