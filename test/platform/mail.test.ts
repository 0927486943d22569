import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { mailRetryDelaySeconds as retryDelaySeconds } from "../../src/platform/mail/consumer";
import type { MailMessage } from "../../src/platform/mail/producer";
import { admin, call, eventually, registerAndLogin, unique } from "../support/http";

const OPERATOR = "operator@retail-edge.test"; // the one address the test EMAIL binding accepts

async function outboxFor(to: string) {
  const res = await admin(`/api/v1/admin/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return res.json.items as Array<Record<string, unknown>>;
}

function welcomeMessage(to: string): MailMessage {
  return { mailId: crypto.randomUUID(), template: "welcome", to, data: { username: "tester" } };
}

async function deliver(
  queue: string,
  body: MailMessage,
  attempts = 1,
  overrides: Partial<Env> = {},
) {
  const batch = createMessageBatch(queue, [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...overrides });
  return getQueueResult(batch, ctx);
}

describe("mail", () => {
  it("queues the welcome e-mail on registration and the consumer records it as sent", async () => {
    const { user } = await registerAndLogin();
    const [mail] = await eventually(async () => {
      const items = await outboxFor(user.email);
      return items.length > 0 && items[0]?.status === "sent" ? items : undefined;
    });
    expect(mail).toMatchObject({
      to: user.email,
      subject: "Регистрация",
      text: `Добро пожаловать, ${user.username}! Вы успешно зарегистрировались.`,
      status: "sent",
      attempts: 1,
      attachments: [],
    });
    const detail = await admin(`/api/v1/admin/outbox/${mail?.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.sent_at).toEqual(expect.any(String));
  });

  it("records one row however often the same message is delivered", async () => {
    const message = welcomeMessage(`${unique("twice")}@example.com`);
    expect((await deliver("mail", message)).explicitAcks).toHaveLength(1);
    expect((await deliver("mail", message, 2)).explicitAcks).toHaveLength(1);
    const items = await outboxFor(message.to);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("sends through the send_email binding when configured", async () => {
    const message = welcomeMessage(OPERATOR);
    const result = await deliver("mail", message, 1, { MAIL_TRANSPORT: "send_email" });
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    const row = await env.DB.prepare("select status from outbox where mail_id = ?")
      .bind(message.mailId)
      .first();
    expect(row?.status).toBe("sent");
  });

  it("retries a failing transport with backoff, then the dead-letter consumer marks it failed", async () => {
    const message = welcomeMessage(`${unique("bounce")}@example.com`);
    const first = await deliver("mail", message, 1, { MAIL_TRANSPORT: "send_email" });
    expect(first.retryMessages).toEqual([{ msgId: expect.any(String) }]);
    const third = await deliver("mail", message, 3, { MAIL_TRANSPORT: "send_email" });
    expect(third.retryMessages).toHaveLength(1);
    // The delay the consumer asks for grows with the attempt (the queue result does not show it).
    expect([1, 2, 3, 4, 5, 6, 7].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 160, 300, 300]);

    const [queued] = await outboxFor(message.to);
    expect(queued).toMatchObject({ status: "queued", attempts: 2 });

    const dead = await deliver("mail-dlq", message);
    expect(dead.explicitAcks).toHaveLength(1);
    const detail = await admin(`/api/v1/admin/outbox/${queued?.id}`);
    expect(detail.json).toMatchObject({
      status: "failed",
      last_error: expect.stringContaining("not allowed"),
    });
  });

  it("marks a message whose template cannot render failed without retrying", async () => {
    const to = `${unique("bad")}@example.com`;
    const result = await deliver("mail", {
      mailId: crypto.randomUUID(),
      template: "welcome",
      to,
      data: {},
    });
    expect(result.retryMessages).toEqual([]);
    const [row] = await outboxFor(to);
    expect(row).toMatchObject({ status: "failed" });
  });

  it("records the headers people see and an HTML part with the text escaped", async () => {
    const to = `${unique("html")}@example.com`;
    const message = {
      mailId: crypto.randomUUID(),
      template: "welcome",
      to,
      data: { username: '<b>Ann & "Bob"</b>\n\nline two' },
    };
    expect((await deliver("mail", message)).explicitAcks).toHaveLength(1);
    const [row] = await outboxFor(to);
    expect(row).toMatchObject({
      template: "welcome",
      from: "no-reply@retail-edge.example",
      message_id: `<${message.mailId}@retail-edge.example>`,
      created_at: expect.stringMatching(/Z$/),
    });
    const detail = await admin(`/api/v1/admin/outbox/${row?.id}`);
    expect(detail.json.html).toContain("&lt;b&gt;Ann &amp; &quot;Bob&quot;&lt;/b&gt;");
    expect(detail.json.html).not.toContain("<b>");
    expect(detail.json.html).toMatch(/<p>line two[^<]*<\/p>/);
  });

  it("answers 404 for an unknown outbox id and filters by recipient", async () => {
    expect((await admin("/api/v1/admin/outbox/999999")).status).toBe(404);
    expect(await outboxFor(`${unique("nobody")}@example.com`)).toEqual([]);
  });

  it("keeps the outbox for the operator only", async () => {
    expect((await call("/api/v1/admin/outbox")).status).toBe(401);
    const { access } = await registerAndLogin();
    expect((await call("/api/v1/admin/outbox", { token: access })).status).toBe(403);
  });
});
