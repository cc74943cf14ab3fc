/**
 * exceljs, loaded on first use — by an XLSX export or an XLSX import alike.
 * With its zip and stream libraries it is 7.6 MB of heap that every major GC
 * of the API's process would otherwise mark, whether or not anyone touches a
 * spreadsheet. A failed load is not kept: the next use tries again.
 */
let excel: Promise<typeof import('exceljs')> | null = null;

export const loadExcel = () => (excel ??= import('exceljs').then((m) => m.default ?? m, (err) => { excel = null; throw err; }));
