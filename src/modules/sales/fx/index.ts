// Exchange rates and the conversion of the reports into one currency (docs/API.md#exchange-rates):
// the rates by date, their routes, and the SQL that converts rollups as D1 reads them.
export {
  anyUnconverted,
  type ConvertedRow,
  convertedSums,
  rollupDays,
  type Sums,
  splitRow,
} from "./convert";
export { type Conversion, conversionFor, type FxUse, listRates, putRates } from "./rates";
export { fxRoutes, putRatesSchema } from "./routes";
