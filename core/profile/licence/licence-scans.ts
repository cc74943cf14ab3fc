/**
 * Licence photos and PDFs, from upload to a confirmed customer licence:
 *
 * 1. requestLicenceScan: the upload (already an attachment) is queued for OCR
 *    and answered at once — reading takes seconds and a worker process.
 * 2. processLicenceQueue (the jobs part): one scan at a time through the
 *    LicenceReader; the fields as read, or why not (upside down, not a
 *    licence, OCR unavailable — the upload stands either way).
 * 3. getLicenceScan: the fields with the checks a rep needs — the credit
 *    code's check digit, name and address against the customer record, the
 *    same credit code on another customer.
 * 4. confirmLicenceScan: the rep's values, field by field, become the
 *    customer's licence; what OCR read is kept beside them (accuracy).
 */
import { z } from 'zod';
import type { Actor } from '../../auth/actor.js';
import { assertCan } from '../../auth/permissions.js';
import type { Db } from '../../db/pool.js';
import { Sql } from '../../db/sql.js';
import { AppError } from '../../errors.js';
import { DAY_MS, shanghaiDate } from '../../flow/time.js';
import type { Logger } from '../../logger.js';
import { getCustomerOrThrow } from '../../resources/customers.js';
import { recordEvent } from '../../resources/events.js';
import { HistoricalDate, Id, OptionalText } from '../../resources/schemas.js';
import { enqueueMessage, textCard } from '../../outbox/enqueue.js';
import { creditCodeProblem } from './credit-code.js';
import type { LicenceReader } from './ocr-runner.js';
import { LICENCE_KIND_LABELS, LICENCE_KINDS, type LicenceKind } from '../../flow/licence-kinds.js';
import { LICENCE_FIELD_LABELS, LICENCE_FIELDS, type LicenceField } from './parse-licence.js';

export const SCAN_STATUSES = ['queued', 'reading', 'read', 'refused', 'unavailable', 'failed', 'confirmed'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];
export const SCAN_STATUS_LABELS: Record<ScanStatus, string> = {
  queued: '排队识别中', reading: '正在识别', read: '已识别，待确认', refused: '未能识别', unavailable: '识别功能暂不可用',
  failed: '识别出错', confirmed: '已确认',
};
const OCR_UNAVAILABLE = '文字识别暂不可用：照片已保存，请手动填写执照信息。';

/** A licence may be a photo or a PDF scan; the upload's own checks (size, sniffed type) already ran. */
const SCANNABLE = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'];

const FieldValues = z.strictObject({
  creditCode: z.string().trim().toUpperCase().max(18).nullish(),
  name: OptionalText(200),
  type: OptionalText(100),
  legalRep: OptionalText(50),
  registeredCapital: OptionalText(100),
  establishedOn: HistoricalDate.nullish(),
  termFrom: HistoricalDate.nullish(),
  /** null: 长期 */
  termTo: HistoricalDate.nullish(),
  address: OptionalText(300),
  scope: OptionalText(4000),
  permitNo: OptionalText(100),
  validFrom: HistoricalDate.nullish(),
  validTo: HistoricalDate.nullish(),
});

export const RequestScanSchema = z.strictObject({ attachmentId: Id });

export const ConfirmScanSchema = z.strictObject({
  kind: z.enum(LICENCE_KINDS),
  fields: FieldValues,
  longTerm: z.boolean().default(false),
  /** Also write the licence's name / address onto the customer record (an empty address is filled anyway). */
  applyName: z.boolean().default(false),
  applyAddress: z.boolean().default(false),
});
export type ConfirmScanInput = z.output<typeof ConfirmScanSchema>;

const FieldsOut = z.record(z.string(), z.string().nullable());

export const LicenceScanSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  attachmentId: z.number(),
  contentUrl: z.string(),
  status: z.enum(SCAN_STATUSES),
  statusLabel: z.string(),
  kind: z.enum(LICENCE_KINDS).nullable(),
  kindLabel: z.string().nullable(),
  /** As OCR read them (YYYY-MM-DD dates); null termTo with longTerm for 长期. */
  fields: FieldsOut,
  longTerm: z.boolean(),
  /** Why it could not be read, in Chinese. */
  message: z.string().nullable(),
  checks: z.object({
    creditCode: z.object({ ok: z.boolean(), message: z.string().nullable() }).nullable(),
    name: z.object({ customer: z.string(), matches: z.boolean() }).nullable(),
    address: z.object({ customer: z.string().nullable(), matches: z.boolean(), willFill: z.boolean() }).nullable(),
    duplicates: z.array(z.object({ customerId: z.number(), customerName: z.string(), visible: z.boolean() })),
  }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type LicenceScan = z.infer<typeof LicenceScanSchema>;

export const CustomerLicenceSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  kind: z.enum(LICENCE_KINDS),
  kindLabel: z.string(),
  fields: FieldsOut,
  longTerm: z.boolean(),
  expiresOn: z.string().nullable(),
  /** Days until it expires (negative: expired); null for 长期. */
  daysLeft: z.number().nullable(),
  attachmentId: z.number(),
  contentUrl: z.string(),
  corrections: z.record(z.string(), z.object({ read: z.string().nullable(), confirmed: z.string().nullable() })),
  confirmedAt: z.string(),
  confirmedByName: z.string().nullable(),
});
export type CustomerLicence = z.infer<typeof CustomerLicenceSchema>;

export const AccuracySchema = z.object({
  licences: z.number(),
  fields: z.array(z.object({ field: z.string(), label: z.string(), read: z.number(), correct: z.number(), accuracy: z.number().nullable() })),
});

const COLUMNS: Record<LicenceField, string> = {
  creditCode: 'credit_code', name: 'name', type: 'type', legalRep: 'legal_rep', registeredCapital: 'registered_capital',
  establishedOn: 'established_on', termFrom: 'term_from', termTo: 'term_to', address: 'address', scope: 'scope',
  permitNo: 'permit_no', validFrom: 'valid_from', validTo: 'valid_to',
};

/** Company names and addresses compared as written, whatever the brackets and spaces. */
const comparable = (s: string | null | undefined) => (s ?? '').replace(/[\s（）()·,，、]/g, '').replace(/^中国/, '');

// Scans -------------------------------------------------------------------------------

/** Queues the upload for OCR and answers at once; the attachment is kept as the licence photo whatever OCR makes of it. */
export async function requestLicenceScan(
  db: Db, actor: Actor, customerId: number, attachmentId: number, source: 'app' | 'bot' = 'app',
): Promise<LicenceScan> {
  assertCan(actor, 'customers', 'update');
  await getCustomerOrThrow(db, actor, customerId);
  const { rows: [a] } = await db.query('SELECT id, mime, uploaded_by, customer_id FROM attachments WHERE id = $1', [attachmentId]);
  if (!a || a.uploaded_by !== actor.id) throw new AppError('ATTACHMENT_INVALID', { attachmentId });
  if (!SCANNABLE.includes(a.mime)) {
    throw new AppError('LICENCE_FILE_UNSUPPORTED', { attachmentId, mime: a.mime }, '证照请上传照片（JPG、PNG）或 PDF 扫描件');
  }
  if (a.customer_id !== null && a.customer_id !== customerId) throw new AppError('REFERENCE_INVALID', { attachmentId }, '这张照片属于另一个客户');
  await db.query(`UPDATE attachments SET customer_id = $2, tags = array(SELECT DISTINCT unnest(tags || '{证照}')), updated_at = now() WHERE id = $1`,
    [attachmentId, customerId]);
  const { rows: [s] } = await db.query(
    `INSERT INTO licence_scans (customer_id, attachment_id, requested_by, source) VALUES ($1, $2, $3, $4) RETURNING id`,
    [customerId, attachmentId, actor.id, source]);
  await db.query(`SELECT pg_notify('licence_scan', $1)`, [String(s.id)]);
  await recordEvent(db, { actorId: actor.id, entityType: 'customer', entityId: customerId, type: 'licence.scan_requested', data: { scanId: s.id, attachmentId } });
  return getLicenceScan(db, actor, s.id);
}

async function scanRowOrThrow(db: Db, actor: Actor, id: number): Promise<any> {
  const { rows: [r] } = await db.query('SELECT * FROM licence_scans WHERE id = $1', [id]);
  if (!r) throw new AppError('LICENCE_SCAN_NOT_FOUND', { id });
  // the customer's scope decides who sees its licence scans
  await getCustomerOrThrow(db, actor, r.customer_id).catch(() => { throw new AppError('LICENCE_SCAN_NOT_FOUND', { id }); });
  return r;
}

export async function getLicenceScan(db: Db, actor: Actor, id: number): Promise<LicenceScan> {
  assertCan(actor, 'customers', 'read');
  const r = await scanRowOrThrow(db, actor, id);
  const customer = await getCustomerOrThrow(db, actor, r.customer_id);
  const fields = r.fields as Record<string, string | null>;
  const code = fields.creditCode ?? null;
  const problem = code ? creditCodeProblem(code) : null;
  return {
    id: r.id, customerId: r.customer_id, attachmentId: r.attachment_id, contentUrl: `/api/attachments/${r.attachment_id}/content`,
    status: r.status, statusLabel: SCAN_STATUS_LABELS[r.status as ScanStatus],
    kind: r.kind, kindLabel: r.kind ? LICENCE_KIND_LABELS[r.kind as LicenceKind] : null,
    fields, longTerm: r.summary?.longTerm === true, message: r.message,
    checks: {
      creditCode: code ? { ok: !problem, message: problem?.message ?? null } : null,
      name: fields.name ? { customer: customer.name, matches: comparable(fields.name) === comparable(customer.name) } : null,
      address: fields.address ? {
        customer: customer.address, matches: comparable(fields.address) === comparable(customer.address),
        willFill: !customer.address,
      } : null,
      duplicates: code ? await duplicatesOf(db, actor, code, r.customer_id) : [],
    },
    createdAt: r.created_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

/** Other customers holding the same credit code: possibly the same company entered twice. */
async function duplicatesOf(db: Db, actor: Actor, code: string, customerId: number): Promise<LicenceScan['checks']['duplicates']> {
  const { rows } = await db.query(
    `SELECT DISTINCT c.id, c.name FROM customer_licences l JOIN customers c ON c.id = l.customer_id
      WHERE l.credit_code = $1 AND l.superseded_at IS NULL AND l.customer_id <> $2 ORDER BY c.id LIMIT 10`, [code, customerId]);
  const out = [];
  for (const r of rows) {
    // a customer outside the rep's scope is named (so the duplicate can be sorted out) but not linked
    const visible = await getCustomerOrThrow(db, actor, r.id).then(() => true, () => false);
    out.push({ customerId: r.id, customerName: r.name, visible });
  }
  return out;
}

/**
 * Reads the oldest queued scan, if any, and stores what came of it. One at a
 * time across every process: the advisory lock is held while reading.
 * Returns the scan id handled, or null when there was nothing to do.
 */
export async function processNextLicenceScan(
  db: import('pg').Pool, reader: LicenceReader, fileOf: (sha256: string) => Promise<Buffer>, logger: Logger,
  publicUrl = '',
): Promise<number | null> {
  const client = await db.connect();
  try {
    const { rows: [lock] } = await client.query('SELECT pg_try_advisory_lock(7100022) AS ok');
    if (!lock.ok) return null;
    try {
      // a scan left 'reading' by a crashed process is read again (at most three times)
      const { rows: [s] } = await client.query(
        `UPDATE licence_scans SET status = 'reading', started_at = now(), attempts = attempts + 1
          WHERE id = (SELECT id FROM licence_scans WHERE status IN ('queued','reading') ORDER BY id LIMIT 1)
          RETURNING id, attachment_id, attempts, source, requested_by, customer_id`);
      if (!s) return null;
      if (s.attempts > 3) {
        await finish(client, s.id, { status: 'failed', message: '多次识别失败：照片已保存，请手动填写执照信息。' });
        return s.id;
      }
      const { rows: [a] } = await client.query('SELECT sha256, mime FROM attachments WHERE id = $1', [s.attachment_id]);
      const outcome = await reader.read(await fileOf(a.sha256), a.mime).catch((err: Error) => {
        logger.error({ err, scanId: s.id }, 'licence OCR failed');
        return null;
      });
      if (!outcome) await finish(client, s.id, { status: 'failed', message: '识别出错：照片已保存，请稍后重试或手动填写。' });
      else if ('unavailable' in outcome) {
        logger.warn({ scanId: s.id, reason: outcome.unavailable }, 'licence OCR unavailable');
        await finish(client, s.id, { status: 'unavailable', message: OCR_UNAVAILABLE });
      } else if (!outcome.ok) {
        await finish(client, s.id, { status: 'refused', refusal: outcome.refusal, message: outcome.message, summary: outcome.summary });
      } else {
        await finish(client, s.id, {
          status: 'read', kind: outcome.parsed.kind, fields: outcome.parsed.fields,
          summary: { ...outcome.summary, longTerm: outcome.parsed.longTerm, creditCodeCorrected: outcome.parsed.creditCodeCorrected },
        });
      }
      // a photo sent to the bot: the rep hears when it is read (the app polls instead)
      if (s.source === 'bot') await tellRequester(client, s, publicUrl);
      return s.id;
    } finally {
      await client.query('SELECT pg_advisory_unlock(7100022)');
    }
  } finally {
    client.release();
  }
}

async function tellRequester(db: Db, s: { id: number; requested_by: number; customer_id: number }, publicUrl: string): Promise<void> {
  const { rows: [r] } = await db.query(
    `SELECT u.wecom_userid, c.name, k.status, k.message, k.fields FROM licence_scans k JOIN users u ON u.id = k.requested_by
       JOIN customers c ON c.id = k.customer_id WHERE k.id = $1`, [s.id]);
  const read = r.status === 'read';
  const code = (r.fields as Record<string, string>).creditCode;
  const description = read
    ? `${(r.fields as Record<string, string>).name ?? '名称未识别'}${code ? `\n统一社会信用代码 ${code}` : ''}\n请打开核对每一项后确认保存。`
    : r.message ?? '没能识别，请在应用里手动填写。';
  await enqueueMessage(db, {
    dedupeKey: `licence-scan:${s.id}`, recipient: r.wecom_userid,
    ...textCard(read ? `「${r.name}」的证照已识别` : `「${r.name}」的证照未能识别`, description, `${publicUrl}/customers/${s.customer_id}`, '去核对'),
  });
}

async function finish(
  db: Db, id: number,
  r: { status: ScanStatus; kind?: string | null; fields?: object; refusal?: string; message?: string; summary?: object | null },
): Promise<void> {
  await db.query(
    `UPDATE licence_scans SET status = $2, kind = $3, fields = $4, refusal = $5, message = $6, summary = $7, finished_at = now() WHERE id = $1`,
    [id, r.status, r.kind ?? null, r.fields ?? {}, r.refusal ?? null, r.message ?? null, r.summary ?? null]);
}

// Confirming --------------------------------------------------------------------------

/**
 * The rep's values become the customer's licence (replacing the previous one
 * of that kind); the fields they changed are kept with what OCR read. A scan
 * OCR could not read may be confirmed too — every field is then typed in.
 */
export async function confirmLicenceScan(db: Db, actor: Actor, id: number, input: ConfirmScanInput): Promise<CustomerLicence> {
  assertCan(actor, 'customers', 'update');
  const r = await scanRowOrThrow(db, actor, id);
  const { rows: [locked] } = await db.query('SELECT status FROM licence_scans WHERE id = $1 FOR UPDATE', [id]);
  if (locked.status === 'confirmed') throw new AppError('CONFLICT', { id }, '这份证照已经确认过了');
  if (locked.status === 'queued' || locked.status === 'reading') throw new AppError('LICENCE_SCAN_BUSY', { id });
  const f = input.fields;
  const issues: Array<{ path: string; message: string }> = [];
  const code = f.creditCode || null;
  const problem = code ? creditCodeProblem(code) : null;
  if (problem) issues.push({ path: 'body.fields.creditCode', message: problem.message });
  if (input.kind === 'business_licence' && !code) issues.push({ path: 'body.fields.creditCode', message: '请填写统一社会信用代码' });
  if (!f.name) issues.push({ path: 'body.fields.name', message: '请填写名称' });
  const expiresOn = input.kind === 'business_licence' ? (input.longTerm ? null : f.termTo ?? null) : f.validTo ?? null;
  if (input.kind !== 'business_licence' && !expiresOn) issues.push({ path: 'body.fields.validTo', message: '请填写许可证有效期至' });
  if (input.kind === 'business_licence' && !input.longTerm && !f.termTo) issues.push({ path: 'body.fields.termTo', message: '请填写营业期限至，或选择「长期」' });
  if (f.establishedOn && f.termTo && f.termTo < f.establishedOn) issues.push({ path: 'body.fields.termTo', message: '营业期限不能早于成立日期' });
  if (issues.length) throw new AppError('VALIDATION_FAILED', issues);

  const read = r.fields as Record<string, string | null>;
  const confirmed: Record<string, string | null> = Object.fromEntries(LICENCE_FIELDS.map((k) => [k, (f[k] ?? null) || null]));
  if (input.longTerm) confirmed.termTo = null;
  const corrections = Object.fromEntries(LICENCE_FIELDS
    .filter((k) => r.status === 'read' && (read[k] ?? null) !== confirmed[k] && !(k === 'termTo' && input.longTerm && r.summary?.longTerm))
    .map((k) => [k, { read: read[k] ?? null, confirmed: confirmed[k] }]));
  await db.query(`UPDATE customer_licences SET superseded_at = now() WHERE customer_id = $1 AND kind = $2 AND superseded_at IS NULL`, [r.customer_id, input.kind]);
  const sql = new Sql();
  const { rows: [l] } = await db.query(sql.unprepared(
    `INSERT INTO customer_licences (customer_id, scan_id, attachment_id, kind, ${LICENCE_FIELDS.map((k) => COLUMNS[k]).join(', ')},
                                    long_term, expires_on, corrections, confirmed_by)
     VALUES (${sql.param(r.customer_id)}, ${sql.param(id)}, ${sql.param(r.attachment_id)}, ${sql.param(input.kind)},
             ${LICENCE_FIELDS.map((k) => sql.param(confirmed[k])).join(', ')},
             ${sql.param(input.longTerm)}, ${sql.param(expiresOn)}, ${sql.param(corrections)}, ${sql.param(actor.id)})
     RETURNING id`));
  await db.query(`UPDATE licence_scans SET status = 'confirmed' WHERE id = $1`, [id]);
  await applyToCustomer(db, actor, r.customer_id, confirmed, input);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'customer', entityId: r.customer_id, type: 'licence.confirmed',
    data: { licenceId: l.id, scanId: id, kind: input.kind, corrected: Object.keys(corrections) },
  });
  return (await listCustomerLicences(db, actor, r.customer_id, new Date())).find((x) => x.id === l.id)!;
}

/** The licence's address fills an empty one; name and address replace the record's only when the rep asked. */
async function applyToCustomer(db: Db, actor: Actor, customerId: number, v: Record<string, string | null>, input: ConfirmScanInput): Promise<void> {
  const customer = await getCustomerOrThrow(db, actor, customerId);
  const address = v.address && (input.applyAddress || !customer.address) ? v.address : null;
  const name = v.name && input.applyName && v.name !== customer.name ? v.name : null;
  if (!address && !name) return;
  if (name) {
    const { rows } = await db.query('SELECT id FROM customers WHERE name = $1 AND id <> $2', [name, customerId]);
    if (rows[0]) throw new AppError('DUPLICATE', { name }, `已有名为「${name}」的客户，不能改成同名`);
  }
  await db.query('UPDATE customers SET name = COALESCE($2, name), address = COALESCE($3, address), updated_at = now() WHERE id = $1',
    [customerId, name, address]);
}

// Reading licences ----------------------------------------------------------------------

function toLicence(r: any, today: string): CustomerLicence {
  const fields = Object.fromEntries(LICENCE_FIELDS.map((k) => [k, r[COLUMNS[k]] ?? null]));
  const daysLeft = r.expires_on ? Math.round((Date.parse(r.expires_on) - Date.parse(today)) / DAY_MS) : null;
  return {
    id: r.id, customerId: r.customer_id, kind: r.kind, kindLabel: LICENCE_KIND_LABELS[r.kind as LicenceKind], fields,
    longTerm: r.long_term, expiresOn: r.expires_on, daysLeft, attachmentId: r.attachment_id,
    contentUrl: `/api/attachments/${r.attachment_id}/content`, corrections: r.corrections,
    confirmedAt: r.confirmed_at.toISOString(), confirmedByName: r.confirmed_by_name ?? null,
  };
}

/** The customer's current licences, one per kind. */
export async function listCustomerLicences(db: Db, actor: Actor, customerId: number, now: Date): Promise<CustomerLicence[]> {
  assertCan(actor, 'customers', 'read');
  await getCustomerOrThrow(db, actor, customerId);
  const { rows } = await db.query(
    `SELECT l.*, u.name AS confirmed_by_name FROM customer_licences l LEFT JOIN users u ON u.id = l.confirmed_by
      WHERE l.customer_id = $1 AND l.superseded_at IS NULL ORDER BY l.kind`, [customerId]);
  return rows.map((r) => toLicence(r, shanghaiDate(now)));
}

/** The customer's scans not yet confirmed, newest first. */
export async function pendingScans(db: Db, actor: Actor, customerId: number): Promise<LicenceScan[]> {
  assertCan(actor, 'customers', 'read');
  await getCustomerOrThrow(db, actor, customerId);
  const { rows } = await db.query(
    `SELECT id FROM licence_scans WHERE customer_id = $1 AND status <> 'confirmed' AND created_at > now() - interval '30 days' ORDER BY id DESC LIMIT 5`,
    [customerId]);
  return Promise.all(rows.map((r) => getLicenceScan(db, actor, r.id)));
}

/** Per field: of the licences confirmed from a reading, how many the rep left as OCR read them. */
export async function licenceAccuracy(db: Db, actor: Actor): Promise<z.infer<typeof AccuracySchema>> {
  assertCan(actor, 'customers', 'read');
  const { rows } = await db.query(
    `SELECT s.fields AS read, l.corrections FROM customer_licences l JOIN licence_scans s ON s.id = l.scan_id
      WHERE s.summary IS NOT NULL AND s.kind IS NOT NULL`);
  const fields = LICENCE_FIELDS.map((k) => {
    const read = rows.filter((r) => k in r.read || k in r.corrections).length;
    const wrong = rows.filter((r) => k in r.corrections).length;
    return { field: k, label: LICENCE_FIELD_LABELS[k], read, correct: read - wrong, accuracy: read ? Math.round(((read - wrong) / read) * 1000) / 1000 : null };
  });
  return { licences: rows.length, fields };
}
