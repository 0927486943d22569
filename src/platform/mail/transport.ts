import type { Config } from "../../lib/config";
import type { RenderedAttachment } from "./template";

/** A message as it leaves: both parts, the headers we record, the attachments. */
export type Envelope = {
  messageId: string;
  from: string;
  to: string;
  date: Date;
  subject: string;
  text: string;
  html: string;
  attachments: RenderedAttachment[];
};

/** Where a rendered mail goes once it is recorded in the outbox. */
export type MailTransport = { name: string; send(mail: Envelope): Promise<void> };

// Locally and in tests the outbox row is the delivery: the consumer marks it sent.
const outboxTransport: MailTransport = { name: "outbox", send: async () => {} };

function sendEmailTransport(binding: SendEmail): MailTransport {
  return {
    name: "send_email",
    async send(mail) {
      await binding.send({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { "Message-ID": mail.messageId, Date: mail.date.toUTCString() },
        attachments: mail.attachments.map((a) =>
          a.contentId
            ? {
                filename: a.filename,
                type: a.contentType,
                content: a.content.slice().buffer,
                disposition: "inline" as const,
                contentId: a.contentId,
              }
            : {
                filename: a.filename,
                type: a.contentType,
                content: a.content.slice().buffer,
                disposition: "attachment" as const,
              },
        ),
      });
    },
  };
}

export function createTransport(env: Env, config: Config): MailTransport {
  return config.MAIL_TRANSPORT === "send_email" ? sendEmailTransport(env.EMAIL) : outboxTransport;
}
