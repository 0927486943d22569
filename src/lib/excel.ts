// exceljs, loaded after the global setImmediate it must find (see immediate.ts).
import "./immediate";
import ExcelJS from "exceljs";

export { ExcelJS };
