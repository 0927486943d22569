// The catalog's form fields, and the form values in the shape the API schemas parse.
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { hhmmOf } from "../../lib/business-day";
import type { Product, Shop } from "../../modules/catalog";
import { fieldErrors } from "../../platform/http/validation";
import { formOf } from "../page";

export function ProductFields({ p }: { p?: Product }) {
  return (
    <>
      <label>
        Name
        <input name="name" required maxlength={100} value={p?.name ?? ""} />
      </label>
      <label>
        Model
        <input name="model" required maxlength={100} value={p?.model ?? ""} />
      </label>
      <label>
        Price
        <input
          name="price"
          inputmode="decimal"
          required
          value={p ? (p.priceMinor / 100).toFixed(2) : ""}
        />
      </label>
      <label>
        Release date
        <input name="release_date" type="date" required value={p?.releaseDate ?? ""} />
      </label>
    </>
  );
}

export function ShopFields({ s }: { s?: Shop }) {
  return (
    <>
      <label>
        Name
        <input name="name" required maxlength={100} value={s?.name ?? ""} />
      </label>
      <label>
        Address
        <input name="address" required maxlength={255} value={s?.address ?? ""} />
      </label>
      <label>
        Company id
        <input
          name="company_id"
          inputmode="numeric"
          pattern="[1-9][0-9]*"
          value={s?.companyId ? String(s.companyId) : ""}
        />
      </label>
      <label>
        Time zone
        <select name="time_zone" aria-label="Time zone" required>
          {timeZones().map((zone) => (
            <option value={zone} selected={(s?.timeZone ?? "UTC") === zone}>
              {zone}
            </option>
          ))}
        </select>
      </label>
      <label>
        Business day starts at
        <input
          name="day_starts_at"
          type="time"
          min="00:00"
          max="12:00"
          required
          value={hhmmOf(s?.dayStartMinutes ?? 0)}
        />
      </label>
    </>
  );
}

// Every zone the runtime's Intl knows (the same check the API applies), UTC first.
let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  return zones;
}

export async function productInput(c: Context<AppEnv>) {
  const form = await formOf(c);
  return {
    name: form.text("name"),
    model: form.text("model"),
    price: Number(form.text("price").replace(",", ".")),
    release_date: form.text("release_date"),
  };
}

export async function shopInput(c: Context<AppEnv>) {
  const form = await formOf(c);
  const company = form.text("company_id");
  return {
    name: form.text("name"),
    address: form.text("address"),
    company_id: company ? Number(company) : null,
    time_zone: form.text("time_zone") || undefined,
    day_starts_at: form.text("day_starts_at").slice(0, 5) || undefined,
  };
}

export const refusal = (error: z.ZodError) =>
  `Not saved. ${fieldErrors(error)
    .map((e) => `${e.path}: ${e.message}`)
    .join("; ")}`;
