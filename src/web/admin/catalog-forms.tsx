// The catalog's form fields, and the form values in the shape the API schemas parse.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { hhmmOf } from "../../lib/business-day";
import { exponentOf, toMajor } from "../../lib/money";
import type { Product, Shop } from "../../modules/catalog";
import { Field, Input } from "../layout";
import { emptyForm, type FormState, formOf } from "../page";

/** A product's other prices as the form shows them: "EUR 21.5, JPY 3400". */
const pricesText = (prices: Record<string, number>) =>
  Object.entries(prices)
    .map(([code, minor]) => `${code} ${toMajor(minor, exponentOf(code))}`)
    .join(", ");

/** "EUR 21.5, JPY 3400" as the API's `prices`; what is not such a list goes as typed (a 400). */
function pricesOf(text: string): Record<string, number> | string {
  if (text === "") return {};
  const pairs = text.split(/[,;]\s*/).map((pair) => pair.trim().split(/\s+/));
  if (pairs.some((p) => p.length !== 2 || !/^-?[0-9]+(\.[0-9]*)?$/.test(p[1] ?? ""))) return text;
  return Object.fromEntries(
    pairs.map(([code = "", amount = ""]) => [code.toUpperCase(), Number(amount)]),
  );
}

/** A field's value: as the user typed it after a refusal, else as stored. */
const shownValue = (form: FormState, name: string, stored: string) =>
  name in form.values ? String(form.values[name]) : stored;

export function ProductFields({ p, form = emptyForm }: { p?: Product; form?: FormState }) {
  const e = form.errors;
  return (
    <>
      <Input
        label="Name"
        name="name"
        required
        maxlength={100}
        value={shownValue(form, "name", p?.name ?? "")}
        error={e.name}
      />
      <Input
        label="Model"
        name="model"
        required
        maxlength={100}
        value={shownValue(form, "model", p?.model ?? "")}
        error={e.model}
      />
      <Input
        label="Price"
        name="price"
        inputmode="decimal"
        required
        value={shownValue(form, "price", p ? (p.priceMinor / 100).toFixed(2) : "")}
        error={e.price}
      />
      <Input
        label="In other currencies (e.g. EUR 21.5, JPY 3400)"
        name="prices"
        value={shownValue(form, "prices", p ? pricesText(p.prices) : "")}
        error={e.prices}
      />
      <Input
        label="Release date"
        name="release_date"
        type="date"
        required
        value={shownValue(form, "release_date", p?.releaseDate ?? "")}
        error={e.release_date}
      />
    </>
  );
}

export function ShopFields({ s, form = emptyForm }: { s?: Shop; form?: FormState }) {
  const e = form.errors;
  const zone = shownValue(form, "time_zone", s?.timeZone ?? "UTC");
  return (
    <>
      <Input
        label="Name"
        name="name"
        required
        maxlength={100}
        value={shownValue(form, "name", s?.name ?? "")}
        error={e.name}
      />
      <Input
        label="Address"
        name="address"
        required
        maxlength={255}
        value={shownValue(form, "address", s?.address ?? "")}
        error={e.address}
      />
      <Input
        label="Company id"
        name="company_id"
        inputmode="numeric"
        value={shownValue(form, "company_id", s?.companyId ? String(s.companyId) : "")}
        error={e.company_id}
      />
      <Input
        label="Currency (ISO 4217)"
        name="currency"
        maxlength={3}
        autocapitalize="characters"
        value={shownValue(form, "currency", s?.currency ?? "")}
        error={e.currency}
      />
      <Field label="Time zone" name="time_zone" error={e.time_zone}>
        <select name="time_zone" aria-label="Time zone" required>
          {timeZones().map((z) => (
            <option value={z} selected={zone === z}>
              {z}
            </option>
          ))}
        </select>
      </Field>
      <Input
        label="Business day starts at"
        name="day_starts_at"
        type="time"
        min="00:00"
        max="12:00"
        required
        value={shownValue(form, "day_starts_at", hhmmOf(s?.dayStartMinutes ?? 0))}
        error={e.day_starts_at}
      />
    </>
  );
}

// Every zone the runtime's Intl knows (the same check the API applies), UTC first.
let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  return zones;
}

/** The product form as typed (`values`, shown again on a refusal) and as the API parses it. */
export async function productInput(c: Context<AppEnv>) {
  const form = await formOf(c);
  const values = {
    name: form.text("name"),
    model: form.text("model"),
    price: form.text("price"),
    prices: form.text("prices"),
    release_date: form.text("release_date"),
  };
  const price = values.price.replace(",", ".");
  return {
    values,
    input: {
      ...values,
      price: /^-?[0-9]+(\.[0-9]*)?$/.test(price) ? Number(price) : values.price,
      prices: pricesOf(values.prices),
    },
  };
}

/** The shop form as typed and as the API parses it. */
export async function shopInput(c: Context<AppEnv>) {
  const form = await formOf(c);
  const values = {
    name: form.text("name"),
    address: form.text("address"),
    company_id: form.text("company_id"),
    time_zone: form.text("time_zone"),
    day_starts_at: form.text("day_starts_at"),
    currency: form.text("currency"),
  };
  return {
    values,
    input: {
      name: values.name,
      address: values.address,
      company_id: /^[0-9]{1,16}$/.test(values.company_id)
        ? Number(values.company_id)
        : values.company_id || null,
      time_zone: values.time_zone || undefined,
      day_starts_at: values.day_starts_at.slice(0, 5) || undefined,
      currency: values.currency.trim().toUpperCase() || undefined,
    },
  };
}
