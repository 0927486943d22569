/**
 * exceljs's bundle schedules its internal work on one task queue per isolate (the `immediate`
 * polyfill). A drain still pending when a request ends is never run, and every later request's
 * tasks wait behind it: the next workbook hangs. Awaiting a few timers lets the drain finish in
 * the request that scheduled it.
 */
export async function settleExcelJs(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
