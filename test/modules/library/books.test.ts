import { describe, expect, it } from "vitest";
import { admin, call, eventually, registerAndLogin } from "../../support/http";

/** A fresh valid ISBN-13 (978 + 9 random digits + check digit), formatted with hyphens. */
function isbn13(): string {
  const body = `978${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  const full = `${body}${(10 - (sum % 10)) % 10}`;
  return `${full.slice(0, 3)}-${full.slice(3, 4)}-${full.slice(4, 8)}-${full.slice(8, 12)}-${full.slice(12)}`;
}
const plain = (isbn: string) => isbn.replace(/[-\s]/g, "");

describe("books", () => {
  it("runs the CRUD happy path for a signed-in user, and reads are public", async () => {
    const { access } = await registerAndLogin();
    const isbn = isbn13();
    const created = await call("/api/v1/books", {
      token: access,
      body: { title: "  Война и мир ", author: "Лев Толстой", year: 1869, isbn },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      title: "Война и мир",
      author: "Лев Толстой",
      year: 1869,
      isbn: plain(isbn),
    });
    const id = created.json.id;
    expect((await call(`/api/v1/books/${id}`)).json).toEqual(created.json);

    const patched = await call(`/api/v1/books/${id}`, {
      method: "PATCH",
      token: access,
      body: { year: 1867 },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ ...created.json, year: 1867 });

    const deleted = await call(`/api/v1/books/${id}`, { method: "DELETE", token: access });
    expect(deleted.status).toBe(204);
    expect((await call(`/api/v1/books/${id}`)).status).toBe(404);
    expect((await call(`/api/v1/books/${id}`, { method: "DELETE", token: access })).status).toBe(
      404,
    );
  });

  it("replaces with PUT (every field required) and changes only what PATCH names", async () => {
    const { access } = await registerAndLogin();
    const isbn = isbn13();
    const { json: book } = await call("/api/v1/books", {
      token: access,
      body: { title: "Draft", author: "Someone", year: 2001, isbn },
    });
    const partialPut = await call(`/api/v1/books/${book.id}`, {
      method: "PUT",
      token: access,
      body: { title: "Only title" },
    });
    expect(partialPut.status).toBe(400);
    expect(partialPut.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "author",
      "isbn",
      "year",
    ]);
    const newIsbn = isbn13();
    const put = await call(`/api/v1/books/${book.id}`, {
      method: "PUT",
      token: access,
      body: { title: "Final", author: "Author", year: 2002, isbn: newIsbn },
    });
    expect(put.json).toEqual({
      id: book.id,
      title: "Final",
      author: "Author",
      year: 2002,
      isbn: plain(newIsbn),
    });
    const patch = await call(`/api/v1/books/${book.id}`, {
      method: "PATCH",
      token: access,
      body: { author: "Other" },
    });
    expect(patch.json).toEqual({ ...put.json, author: "Other" });
    expect(
      (await call("/api/v1/books/999999", { method: "PATCH", token: access, body: { year: 2000 } }))
        .status,
    ).toBe(404);
  });

  it("validates: check digits, lengths, year, empty title, unknown fields", async () => {
    const { access } = await registerAndLogin();
    const base = { title: "T", author: "A", year: 2000 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, isbn: "978-0-306-40615-8" }, "isbn"], // ISBN-13, wrong check digit
      [{ ...base, isbn: "0-306-40615-3" }, "isbn"], // ISBN-10, wrong check digit
      [{ ...base, isbn: "X-306-40615-2" }, "isbn"], // X only as the last character
      [{ ...base, isbn: "977-0-306-40615-7" }, "isbn"], // not a 978/979 prefix
      [{ ...base, isbn: "12345" }, "isbn"],
      [{ ...base, isbn: "97803064061570" }, "isbn"],
      [{ ...base, isbn: isbn13(), year: new Date().getUTCFullYear() + 1 }, "year"],
      [{ ...base, isbn: isbn13(), year: 0 }, "year"],
      [{ ...base, isbn: isbn13(), title: "   " }, "title"],
      [{ ...base, isbn: isbn13(), author: "a".repeat(256) }, "author"],
      [{ ...base, isbn: isbn13(), genre: "x" }, ""],
    ];
    for (const [body, path] of cases) {
      const res = await call("/api/v1/books", { token: access, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (path) expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const tenWithX = await call("/api/v1/books", {
      token: access,
      body: { ...base, isbn: "0-8044-2957-x" },
    });
    expect(tenWithX.status).toBe(201);
    expect(tenWithX.json.isbn).toBe("080442957X");
    const ten = await call("/api/v1/books", {
      token: access,
      body: { ...base, isbn: "0 306 40615 2" },
    });
    expect(ten.status).toBe(201);
    expect(ten.json.isbn).toBe("0306406152");
  });

  it("refuses a duplicate ISBN with 409, with or without hyphens, on create and on update", async () => {
    const { access } = await registerAndLogin();
    const isbn = isbn13();
    const first = await call("/api/v1/books", {
      token: access,
      body: { title: "One", author: "A", year: 2000, isbn },
    });
    expect(first.status).toBe(201);
    const same = await call("/api/v1/books", {
      token: access,
      body: { title: "Two", author: "B", year: 2001, isbn: plain(isbn) },
    });
    expect(same.status).toBe(409);
    expect(same.json.errors[0].path).toBe("isbn");
    const other = await call("/api/v1/books", {
      token: access,
      body: { title: "Three", author: "C", year: 2002, isbn: isbn13() },
    });
    const clash = await call(`/api/v1/books/${other.json.id}`, {
      method: "PATCH",
      token: access,
      body: { isbn },
    });
    expect(clash.status).toBe(409);
    expect((await call(`/api/v1/books/${other.json.id}`)).json.title).toBe("Three");
  });

  it("searches titles case-insensitively in any script, filters by author, and pages", async () => {
    const { access } = await registerAndLogin();
    const tag = crypto.randomUUID().slice(0, 6);
    const titles = [
      `Преступление и наказание ${tag}`,
      `Идиот ${tag}`,
      `ПРЕСТУПНЫЙ мир ${tag}`,
      `Crime Story ${tag}`,
    ];
    for (const title of titles) {
      await call("/api/v1/books", {
        token: access,
        body: { title, author: `Фёдор Достоевский ${tag}`, year: 1866, isbn: isbn13() },
      });
    }
    const found = await call(
      `/api/v1/books?q=${encodeURIComponent(`преступ`)}&author=${encodeURIComponent(tag)}`,
    );
    expect(found.json.items.map((b: { title: string }) => b.title).sort()).toEqual(
      [titles[0], titles[2]].sort(),
    );
    const upper = await call(`/api/v1/books?q=${encodeURIComponent(`ИДИОТ ${tag}`)}`);
    expect(upper.json.items.map((b: { title: string }) => b.title)).toEqual([titles[1]]);
    const byAuthor = await call(
      `/api/v1/books?author=${encodeURIComponent(`достоевский ${tag}`)}&limit=3`,
    );
    expect(byAuthor.json.items).toHaveLength(3);
    const next = await call(
      `/api/v1/books?author=${encodeURIComponent(`достоевский ${tag}`)}&limit=3&cursor=${byAuthor.json.next_cursor}`,
    );
    expect(next.json.items).toHaveLength(1);
    expect(next.json.next_cursor).toBeNull();
    const percent = await call(`/api/v1/books?q=${encodeURIComponent("%")}`);
    expect(percent.status).toBe(200);
    expect(percent.json.items.every((b: { title: string }) => b.title.includes("%"))).toBe(true);
  });

  it("needs a signed-in user for writes: 401 anonymous or bad token, 403 for machine keys", async () => {
    const body = { title: "T", author: "A", year: 2000, isbn: isbn13() };
    expect((await call("/api/v1/books", { body })).status).toBe(401);
    expect((await call("/api/v1/books", { body, token: "not-a-token" })).status).toBe(401);
    const key = await admin("/api/v1/admin/api-keys", {
      body: { name: "k", scopes: ["reports:read"] },
    });
    expect((await call("/api/v1/books", { body, token: key.json.key })).status).toBe(403);
    expect((await call("/api/v1/books/1", { method: "DELETE" })).status).toBe(401);
    expect((await call("/api/v1/books/1", { method: "PUT", body })).status).toBe(401);
  });

  it("sends the welcome e-mail on registration (library users)", async () => {
    const { user } = await registerAndLogin();
    const mail = await eventually(async () => {
      const res = await admin(`/api/v1/admin/outbox?to=${encodeURIComponent(user.email)}`);
      return res.json.items.find((m: { status: string }) => m.status === "sent");
    });
    expect(mail.subject).toBe("Регистрация");
    expect(mail.text).toBe(`Добро пожаловать, ${user.username}! Вы успешно зарегистрировались.`);
  });
});
