/** Hyphens and spaces stripped, `x` upper-cased: the form ISBNs are stored and compared in. */
export function normalizeIsbn(raw: string): string {
  return raw.replace(/[\s-]/g, "").toUpperCase();
}

export function isValidIsbn10(isbn: string): boolean {
  if (!/^\d{9}[\dX]$/.test(isbn)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = isbn[i] as string;
    sum += (10 - i) * (ch === "X" ? 10 : Number(ch));
  }
  return sum % 11 === 0;
}

export function isValidIsbn13(isbn: string): boolean {
  if (!/^97[89]\d{10}$/.test(isbn)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(isbn[i]) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

/** Why a normalized ISBN is not valid, or null when it is. */
export function isbnProblem(isbn: string): string | null {
  if (isbn.length === 10)
    return isValidIsbn10(isbn) ? null : "not a valid ISBN-10 (check digit or characters)";
  if (isbn.length === 13)
    return isValidIsbn13(isbn) ? null : "not a valid ISBN-13 (978/979 prefix and check digit)";
  return "an ISBN has 10 or 13 characters once hyphens and spaces are removed";
}
