// Demo data, loaded through the public API so it obeys every rule a client does.
// Each module adds its part here as it lands.
import { faker } from "@faker-js/faker";

export const DEMO_USERNAME = "demo";
export const DEMO_PASSWORD = "demo-password";
const SEED = 20261123;
const USERS = 20;

export async function isEmpty(mf) {
  const db = await mf.getD1Database("DB");
  const row = await db.prepare("select count(*) as n from users").first();
  return row.n === 0;
}

function progress(label, done, total) {
  process.stdout.write(`\r  ${label}: ${done}/${total}`);
  if (done === total) process.stdout.write("\n");
}

async function post(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  // 409: already there from an earlier seed; that is fine.
  if (!res.ok && res.status !== 409) {
    throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
  }
  return res;
}

export async function seed({ base, adminToken }) {
  faker.seed(SEED);
  const users = [
    { username: DEMO_USERNAME, email: "demo@retail-edge.example", password: DEMO_PASSWORD },
  ];
  for (let i = 0; i < USERS; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const username = faker.internet
      .username({ firstName: first, lastName: last })
      .replace(/[^\w.-]/g, "");
    users.push({
      username: `${username}${i}`,
      email: faker.internet
        .email({ firstName: first, lastName: last, provider: "example.com" })
        .toLowerCase(),
      password: faker.internet.password({ length: 14 }),
    });
  }
  let created = 0;
  for (const [i, user] of users.entries()) {
    const res = await post(base, "/api/v1/auth/register", user);
    if (res.status === 201) created++;
    progress("users", i + 1, users.length);
  }
  await waitForOutbox(base, adminToken, created);
  console.log(`  seeded ${created} new users (welcome e-mails in the outbox)`);
}

/** Waits until the mail consumer has recorded the welcome e-mails, so none is lost on exit. */
async function waitForOutbox(base, adminToken, expected) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/v1/admin/outbox?limit=1000`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const page = await res.json();
    if (page.items.filter((m) => m.status === "sent").length >= expected) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.warn("  some welcome e-mails were still queued after 15 s");
}
