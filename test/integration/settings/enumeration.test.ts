import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { settingsRegistry } from '../../../core/settings/registry.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/**
 * Issue #26's "done": every number the product enforces is reachable in the
 * settings by the role allowed to edit it. Both sides are enumerated — the
 * registry, and the code's enforcement points:
 *  1. the configuration tables the code reads are written only by registered
 *     settings (their `apply`), never around them;
 *  2. every named number and every DEFAULT_* the code declares is a
 *     registered setting's default (a setting file imports it, or it is part
 *     of a default one imports), or is listed below as technical, with the reason;
 *  3. every registered setting — each code of per-code settings too — opens
 *     and saves through the settings screens' operations for each role its
 *     definition names, and its custom editor exists in the app.
 */
const ROOTS = ['core', 'bot', 'jobs', 'api'];
const source = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f).split(path.sep).join('/'));
const files = ROOTS.flatMap(source).filter((f) => !f.includes('/db/migrations/'));
const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const isSettingFile = (f: string) => f.endsWith('.setting.ts');
// the template installer and the demo seed put the defaults in place at first start
const isInstaller = (f: string) => f.startsWith('core/seed/') || f === 'core/actions/process-templates.ts';

/** Named numbers and defaults that are not business rules, and why. */
const TECHNICAL: Record<string, string> = {
  'core/attribution/intervals.ts#Z95': 'the normal quantile of a 95% interval (mathematics)',
  'core/flow/segmenter.ts#CONTENT_CACHE_LIMIT': 'cache size',
  'core/understanding/topics/obstacle-topics.setting.ts#SHOWN': 'display: how many moved texts the 痛点话题的说法 preview lists on a phone',
  'core/flow/time.ts#SHANGHAI_OFFSET_MS': 'time-zone arithmetic',
  'core/flow/time.ts#DAY_MS': 'time arithmetic',
  'core/flow/geo.ts#A': 'GCJ-02 ellipsoid constant',
  'core/flow/geo.ts#EE': 'GCJ-02 ellipsoid constant',
  'core/flow/geo.ts#EARTH_MEAN_RADIUS_KM': 'geodesy constant',
  'core/flow/rules/photo-captured-within.rule.ts#HOUR_MS': 'time arithmetic',
  'core/seed/install.ts#SEED_LOCK': 'advisory lock id',
  'core/scoring/scores.ts#MAX_BATCH': 'rows per statement',
  'core/scoring/scores.ts#PIPELINE_BATCHES': 'batches a pool\'s scoring is cut into, so reading, scoring and storing overlap',
  'core/scoring/scores.ts#MIN_PIPELINED_BATCH': 'smallest pipelined batch (smaller costs more rounds of queries than the overlap gains)',
  'core/scoring/scores.ts#STORED_SIDE_BY_SIDE': 'batch stores under way at once',
  'core/scoring/scores.ts#SCORED_PER_TURN': 'deals scored between two turns of the event loop',
  'core/scoring/rescore.ts#QUEUE_BATCH': 'rows per round',
  'core/scoring/rescore.ts#MAX_ROUNDS': 'rounds per call (the next call goes on)',
  'jobs/rescore.worker.ts#SWEEP_MS': 'process housekeeping: how soon what a dropped connection missed is scored',
  'jobs/rescore.worker.ts#RECONNECT_MS': 'process housekeeping',
  'core/scoring/scores.ts#CHARTED_MOVE': 'display: the score history draws a new point when the score moved half a point (the score itself is exact)',
  'core/scoring/facts.ts#NORM_MIN_MOVES': 'statistics: fewer moves say nothing about a usual stay',
  'core/scoring/facts.ts#NORM_MAX_AGE_MS': 'cache age of a slowly moving statistic',
  'core/scoring/learned-model.ts#SHOWN_PP': 'display: effects under half a point are not listed',
  'core/scoring/train.ts#TRAIN_SHARE': 'backtest split (70 % train, 30 % test)',
  'core/scoring/train.ts#FACT_BATCH': 'rows per statement',
  'core/scoring/signals-preview.ts#CLOSED_SAMPLE': 'how many deals a preview reads',
  'core/scoring/signals-preview.ts#OPEN_SAMPLE': 'how many deals a preview reads',
  'core/talk-tracks/pack-files.ts#MAX_FILES_PER_PACK': 'display: how many files a pack lists on a phone',
  'bot/commands/talk-track.command.ts#ANSWER_CHARS': 'display: the length of a chat bubble; the rest is one tap away',
  'bot/commands/share-document.command.ts#MAX_OPTIONS': 'display: a numbered list a chat reply stays readable with (and WeCom\'s six buttons)',
  'core/attribution/ask.ts#TOP': 'display: how many actions the chat headline names; the report has the rest',
  'core/wecom-contacts/sync.ts#SYNC_LOCK': 'advisory lock id',
  'core/wecom-contacts/sync.ts#USERIDS_PER_CALL': 'WeCom\'s own limit of members per batch/get_by_user call',
  'core/wecom-contacts/sync.ts#PAUSE_MS': 'pacing of calls to WeCom, far under its per-API rate limit',
  'core/sharing/share-token.ts#SIGNATURE_CHARS': 'signature length (128 bits): part of every link address already sent',
  'core/reports/daily-reports.ts#DAILY_REPORT_LOCK': 'advisory lock id',
  'core/actions/processes.ts#DAY': 'time arithmetic',
  'core/media/decode.ts#MAX_DECODED_SECONDS': 'memory guard on decoding (the duration still comes from the file)',
  'core/obstacles/heatmap.ts#HEATMAP_MAX_TOPICS': 'columns that fit the heatmap picture',
  'core/obstacles/heatmap.ts#CACHE_LIMIT': 'cache size',
  'core/obstacles/render.ts#HEATMAP_PNG_WIDTH': 'picture width',
  'core/config-admin/action-definition.setting.ts#PREVIEW_DAYS': "how far the rules preview replays (the dry-run's own days are chosen on screen)",
  'core/config-admin/dry-run.ts#MAX_ITEMS': 'response size',
  'core/actions/definitions.ts#PARSED_MAX': 'cache size',
  'core/actions/visit-facts.ts#RECENT_ORDERS': 'how many orders are loaded; orders.linked rules ask for fewer',
  'core/actions/followup-standard.setting.ts#MAX_LINES': 'preview length',
  'core/settings/notices.ts#MAX_LINES': "WeCom card length",
  'core/org/sync-org.ts#SYNC_LOCK': 'advisory lock id',
  'core/inbound/accept-callback.ts#MEMBER_CACHE_MS': 'cache lifetime',
  'core/inbound/accept-callback.ts#MEMBER_CACHE_MAX': 'cache size',
  'core/inbound/console-bridge.ts#CONSOLE_WAIT_MS': 'demo console round trip',
  'core/wecom/template-card.schema.ts#TITLE_MAX_CHARS': "WeCom's limit",
  'core/wecom/template-card.schema.ts#SUB_TITLE_MAX_CHARS': "WeCom's limit",
  'core/wecom/template-card.schema.ts#BUTTON_TEXT_MAX_CHARS': "WeCom's limit",
  'core/wecom/http-wecom-client.ts#MAX_BACKOFF_MS': 'retry back-off',
  'core/wecom/callback-reply.ts#TEXT_MAX_BYTES': "WeCom's limit",
  'core/wecom/media-upload.ts#MB': 'unit',
  'core/wecom/media-upload.ts#MEDIA_MIN_BYTES': "WeCom's limit",
  'core/wecom/template-cards.ts#MAX_FACTS': 'card layout',
  'core/wecom/recipient-throttle.ts#MINUTE_MS': 'time arithmetic',
  'core/wecom/recipient-throttle.ts#HOUR_MS': 'time arithmetic',
  'core/wecom/callback-crypto.ts#DEFAULT_MAX_BODY_BYTES': 'request size guard',
  'core/dashboards/period.ts#MAX_DAYS': 'query range guard',
  'core/dashboards/closed-periods.ts#CLOSED_PERIOD_TTL_MS': 'cache lifetime',
  'core/dashboards/closed-periods.ts#MAX_ENTRIES': 'cache size',
  'core/dashboards/snapshots.ts#LIVE_PROFILE_TTL_MS': 'cache lifetime',
  'core/dashboards/snapshots.ts#LIVE_PROFILE_STALE_MS': 'cache lifetime',
  'core/dashboards/export.ts#EXPORT_MAX_ROWS': 'export size guard',
  'core/outbox/failures.ts#MAX_ATTEMPTS': 'delivery retries',
  'core/outbox/failures.ts#MINUTE': 'time arithmetic',
  'core/outbox/deliver.ts#DUPLICATE_CHECK_SECONDS': "WeCom's duplicate-check window",
  'core/outbox/deliver.ts#MAX_ROWS_PER_RECIPIENT': 'batch size',
  'core/attachments/limits.ts#MB': 'unit',
  'core/attachments/sniff.ts#HEAD_BYTES': 'file parsing',
  'core/attachments/sniff.ts#EOCD_SIG': 'ZIP format constant',
  'core/attachments/sniff.ts#CDH_SIG': 'ZIP format constant',
  'core/db/migrate.ts#MIGRATION_LOCK': 'advisory lock id',
  'core/alerts/alert-writer.ts#CARD_CHUNK': 'batch size',
  'core/alerts/alert-writer.ts#STAGE_CHUNK': 'batch size',
  'core/alerts/rules/silence.rule.ts#DAY_MS': 'time arithmetic',
  'core/alerts/silence.ts#FULL_SWEEP_EVERY_MS': 'how often the check re-reads everything (a correctness sweep, not a threshold)',
  'core/alerts/silence.ts#FOLLOW_UP_MARGIN_MS': 'overlap of incremental runs',
  'core/alerts/rule-settings.ts#AFTER_QUIET_MS': "WeCom's advice not to send on the hour",
  'bot/engine/run-turn.ts#REPLY_MAX_BYTES': "WeCom's limit",
  'bot/engine/route.ts#MAX_TEXT': 'input size guard',
  'bot/engine/inbox.ts#MAX_ATTEMPTS': 'message retries',
  'bot/engine/state.ts#UNDO_DEPTH': 'conversation memory',
  'bot/engine/apply-text.ts#TRANSCRIPT_MAX': 'input size guard',
  'bot/transports/wechaty.transport.ts#SAY_ATTEMPTS': 'send retries',
  'bot/transports/console.transport.ts#PUSHED_MAX': 'buffer size',
  'core/understanding/zh-datetime.ts#DEFAULT_DATE_HOUR': 'the hour a date without a time is read as',
  'core/understanding/intent-router.ts#INTENT_MARGIN': 'parser tuning: how close two readings of one message are before the bot asks (scored on the utterance table)',
  'core/understanding/intent-router.ts#INTENT_FLOOR': 'parser tuning: the score below which a reading is ignored',
  'core/understanding/intent-router.ts#RULES_SURE': 'parser tuning: the rule score below which a sure learned reading of another family decides',
  'core/understanding/learned/org-reader.ts#REFRESH_MS': 'cache lifetime: how often a process checks another changed the learned examples, model or thresholds',
  'core/understanding/learned/org-reader.ts#EXAMPLE_WEIGHT': 'training tuning: how many times a rep\'s answer counts beside the public lines (one would be outvoted by the table)',
  'core/understanding/understand.ts#DEFAULT_UNDERSTANDING_FIELDS': "the visit report's decision fields, when a caller has no definition at hand (the definition's own fields win)",
  'bot/commands/my-deals.command.ts#SHOWN': 'reply length',
  'bot/main.ts#SWEEP_EVERY_MS': 'process housekeeping',
  'bot/main.ts#STALE_AFTER_MS': 'process housekeeping',
  'bot/main.ts#LISTEN_WAIT_MS': 'process housekeeping',
  'bot/commands/my-tasks.command.ts#SHOWN': 'reply length',
  'bot/commands/daily-report.command.ts#ANSWER_MAX': 'input size guard',
  'jobs/main.ts#JOBS_CONNECTIONS': 'connection pool size',
  'bot/engine/session.ts#DEFAULT_PHOTO_TAGS': "words the bot recognises a photo's kind by: the bot's trade dictionary (issue #24) registers its vocabulary",
  'api/routes/wecom-callback.routes.ts#MAX_BODY_BYTES': 'request size guard',
  'api/route-kit.ts#MAX_JSON_DEPTH': 'request shape guard (issue #23)',
  'core/wecom/callback-crypto.ts#MAX_XML_DEPTH': 'request shape guard (issue #23)',
  'core/wecom/callback-crypto.ts#CALLBACK_WINDOW_SECONDS': "replay window, wider than WeCom's retries",
  'core/inbound/accept-aibot.ts#FIRST_FRAME_WAIT_MS': "protocol timing: the first stream frame inside WeCom's 5 s callback window",
  'core/inbound/accept-aibot.ts#STREAM_MAX_BYTES': "WeCom's limit on a stream frame's content",
  'core/wecom/aibot-socket.ts#MAX_MISSED_PINGS': 'protocol timing: unanswered heartbeats before the long connection counts as dead (as the official SDK)',
  'core/inbound/accept-aibot.ts#STREAM_WINDOW_MS': "protocol timing: how long WeCom keeps asking for a stream (6 min)",
  'core/attachments/from-aibot.ts#DOWNLOAD_TIMEOUT_MS': 'network timeout',
  'bot/engine/choices.ts#MAX_CHOICES': "WeCom's limit on a card's buttons",
  'bot/engine/role-denial.ts#OFFERED': "WeCom's limit on a card's buttons (six), less 新建联系人 and 不知道",
  'core/wecom/aibot-response-url.ts#POST_TIMEOUT_MS': 'network timeout',
  'bot/transports/aibot-stream.transport.ts#RESPONSE_URL_TTL_MS': "protocol timing: a response_url lives one hour",
  'core/heavy/heavy-runner.ts#MAX_PAUSED': 'memory guard for paused refusals',
  'core/profile/contact-touches.ts#LOOKBACK_DAYS': 'the window 对接频次 is defined over (touches in the last year), not a threshold',
  'core/profile/licence/ocr-engine.ts#READ_SIDE': "the OCR models' input size",
  'core/profile/licence/ocr-engine.ts#DETECT_SIDE': "the OCR models' input size",
  'core/profile/licence/ocr-engine.ts#PROBE_SIDE': "the OCR models' input size",
  'core/profile/licence/ocr-engine.ts#REC_HEIGHT': "the recognition model's input height",
  'core/profile/licence/ocr-engine.ts#REC_MAX_WIDTH': "the recognition model's input size",
  'core/profile/licence/ocr-engine.ts#REC_BATCH': 'batch size',
  'core/profile/licence/read-licence.ts#MIN_CONFIDENCE': "the OCR model's confidence below which a read is garbled (refused, the rep retakes the photo)",
  'core/seed/demo-history.ts#DEMO_SEED': "the demo history's random seed: the same (seed, day) gives the same rows",
  'core/seed/demo-history.ts#DEMO_HISTORY_DAYS': 'how far back the demo history reaches (a demo, not a business rule)',
  'core/seed/demo-history.ts#HISTORY_LOCK': 'advisory lock id',
  'core/seed/evidence/exif-jpeg.ts#ASCII': 'EXIF field type code',
  'core/seed/evidence/exif-jpeg.ts#SHORT': 'EXIF field type code',
  'core/seed/evidence/exif-jpeg.ts#LONG': 'EXIF field type code',
  'core/seed/evidence/exif-jpeg.ts#RATIONAL': 'EXIF field type code',
  'core/seed/evidence/make-pool.ts#W': 'pool photo width (a development-time asset generator)',
  'core/seed/evidence/make-pool.ts#H': 'pool photo height (a development-time asset generator)',
  'core/seed/evidence/make-pool.ts#GENERIC_PER_TYPE': 'pool size (a development-time asset generator)',
  'core/seed/evidence/make-pool.ts#MEETINGS': 'pool size (a development-time asset generator)',
  'jobs/licence-ocr.worker.ts#POLL_MS': 'queue polling',
  'core/evidence/analyse-photo.ts#MAX_PIXELS': 'input size guard (a 20k×20k decompression bomb)',
  'core/evidence/analyse-photo.ts#PNG_EXIF_WINDOW': 'input size guard',
  'core/evidence/analyse-speech.ts#MAX_LANDMARKS': 'fingerprint size',
  'core/evidence/analyse-speech.ts#FRAME_MS': "the voice-activity detector's frame length",
  'core/evidence/duplicate-index.ts#SIMILAR_KEPT': 'how many near-duplicates the stored facts keep',
  'core/evidence/photo-evidence.ts#PHOTO_ANALYSIS_VERSION': 'analysis version (the backfill job redoes older ones)',
  'core/evidence/photo-hash.ts#BANDS': 'duplicate index layout',
  'core/evidence/photo-hash.ts#BAND_BITS': 'duplicate index layout',
  'core/evidence/report-evidence.ts#ACCURACIES_KEPT': 'history read for the sameAccuracyCount setting (its maximum)',
  'core/evidence/voice-evidence.ts#VOICE_ANALYSIS_VERSION': 'analysis version (the backfill job redoes older ones)',
  'core/evidence/voice-evidence.ts#SAME_RECORDING': 'fingerprint calibration: re-encoded copies ~0.3, different speech < 0.15',
  'core/evidence/voice-evidence.ts#CANDIDATES': 'query size',
  'core/flow/evidence/thresholds.ts#MAX_DUPLICATE_DISTANCE': "the duplicate index's reach: the upper bound of the duplicateMaxDistance setting",
  'core/flow/rules/checkin-plausible.rule.ts#HOUR_MS': 'time arithmetic',
  'core/flow/rules/checkin-plausible.rule.ts#MINUTE_MS': 'time arithmetic',
  'core/flow/rules/photo-captured-within.rule.ts#MINUTE_MS': 'time arithmetic',
  'core/flow/rules/photo-unique.rule.ts#SAME_INSTANT_MS': 'what counts as one capture instant (EXIF has whole seconds)',
  'jobs/evidence-backfill.job.ts#PER_RUN': 'batch size',
  'core/retail/launch-plan.ts#LAUNCH_HOUR': 'anchors the launch day only: deadlines are whole working days, due at their day\'s end',
  'core/retail/sales-import.ts#ERRORS_SHOWN': 'display: how many row errors an answer lists (the count says how many there were)',
  'core/retail/sales-import.ts#COPY_CHUNK': 'batch size: rows per string handed to COPY',
  'core/retail/sales-import.ts#OLDEST_DAYS': 'sanity: a sales day three years back is a typo in the year',
  'core/retail/scorecard-records.ts#LIMIT': 'display: how many records a drill-down lists (the card says how many were counted)',
  'core/retail/scorecard-weekly.ts#WEAKEST_SHOWN': 'display: how many stores the weekly card names (WeCom shows at most six lines of this kind)',
  'core/seed/modules/retail-scorecard.ts#HOUR': 'time arithmetic',
  'core/seed/modules/retail-fixes.ts#HOUR': 'time arithmetic',
  'core/seed/modules/retail-launch-history.ts#MINUTE': 'time arithmetic',
  'core/seed/modules/retail-fixes.ts#PATROL_FIXES_PER_STORE': 'demo data: how many of a store\'s patrols with findings leave a 整改 behind',
  'core/retail/launch-board.ts#HOUR': 'time arithmetic',
  'core/retail/launch-board-stores.ts#PAGE': 'display: how many stores the 新品上架看板 lists before 加载更多 (the export has them all)',
  'core/retail/scorecard.ts#TREND_PERIODS': 'display: how many earlier weeks or months the trend draws',
  'api/routes/retail-sales.routes.ts#SALES_FILE_LIMIT': 'request size limit (a million rows of CSV is about 40 MB)',
  'core/visit-assist/customers-at-door.ts#MAX_OFFERED': 'how many nearby customers 现场拜访 lists (the distance is the setting bot.location-match)',
};

describe('every number the product enforces is reachable in the settings', () => {
  let pool: pg.Pool;
  let api: TestApi;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it('writes the configuration tables the code reads only through registered settings', () => {
    const writes = (src: string) => [...src.matchAll(/\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+([a-z_]+)/g)].map((m) => m[1]);
    const configTables = new Set([...text].filter(([f]) => isSettingFile(f)).flatMap(([, src]) => writes(src)));
    expect([...configTables].sort()).to.deep.equal(['action_definitions', 'alert_rules', 'holidays', 'keyword_libraries', 'pipelines', 'process_templates']);
    const around = [...text].filter(([f]) => !isSettingFile(f) && !isInstaller(f))
      .flatMap(([f, src]) => writes(src).filter((t) => configTables.has(t)).map((t) => `${f} writes ${t}`));
    expect(around).to.deep.equal([]);
    const readers = [...text].flatMap(([f, src]) => ([...src.matchAll(/\b(?:FROM|JOIN)\s+settings\b/g)].length ? [f] : []));
    expect(readers, 'the old key-value settings table holds only install markers').to.deep.equal([]);
  });

  it('knows every named number and default in the code: a setting\'s default, or technical with a reason', () => {
    const settingSources = [...text].filter(([f]) => isSettingFile(f)).map(([, src]) => src).join('\n');
    const mentions = (src: string, name: string) => new RegExp(`\\b${name}\\b`).test(src);
    const found: string[] = [];
    const unexplained: string[] = [];
    for (const [f, src] of text) {
      const constants = [...src.matchAll(/^(?:export )?const ([A-Z][A-Z0-9_]*)(?::[^=\n]+)?\s*=\s*(-?[0-9]|\{|\[|new )/gm)]
        .map((m) => ({ name: m[1], numeric: /^-?[0-9]/.test(m[2]), body: src.slice(m.index).split(/\n(?=\S)/)[0] }));
      // a default declared in a setting file, imported by one, or part of such a default (word lists in a map of libraries)
      const registered = new Set(constants.filter((c) => c.name.startsWith('DEFAULT_') && (isSettingFile(f) || mentions(settingSources, c.name))).map((c) => c.name));
      for (const c of constants) {
        if (c.name.startsWith('DEFAULT_') && !registered.has(c.name)
          && constants.some((o) => registered.has(o.name) && mentions(o.body, c.name))) registered.add(c.name);
      }
      for (const c of constants) {
        if (!c.numeric && !c.name.startsWith('DEFAULT_')) continue;
        const id = `${f}#${c.name}`;
        found.push(id);
        if (!registered.has(c.name) && !TECHNICAL[id]) unexplained.push(id);
      }
    }
    expect(unexplained, 'register these as settings, or list them as technical').to.deep.equal([]);
    expect(Object.keys(TECHNICAL).filter((id) => !found.includes(id)), 'technical entries no longer in the code').to.deep.equal([]);
  });

  it('lets each role a setting names as editor open and save it through the settings operations', async () => {
    const registry = await settingsRegistry();
    const items = (await api.call('GET', '/api/settings', { as: 'admin.lin' })).body.items as Array<{ id: string; key: string }>;
    expect(new Set(items.map((i) => i.key))).to.deep.equal(new Set(registry.byKey.keys()));
    const userOf: Record<string, string> = { admin: 'admin.lin', manager: 'mgr.li', director: 'director.wang', rep: 'rep.zhao', compliance: 'compliance.he' };
    const east = (await pool.query(`SELECT id FROM departments WHERE name = '华东区'`)).rows[0].id;
    const north = (await pool.query(`SELECT id FROM departments WHERE name = '华北区'`)).rows[0].id;
    const router = readFileSync('miniprogram/src/router.ts', 'utf8');
    const unreachable: string[] = [];
    for (const item of items) {
      const def = registry.byKey.get(item.key)!;
      if (def.editor && !router.includes(`/settings/${def.editor}/:id`)) unreachable.push(`${item.id}: no screen for editor ${def.editor}`);
      const type = def.scopes.customerType === 'required' ? { customerType: 'store' } : {};
      const grants = [
        ...def.editors.organisation.map((role) => ({ role, scope: { ...type } })),
        ...(def.editors.anyDepartment ?? []).map((role) => ({ role, scope: { ...type, departmentId: north } })),
        ...(def.editors.ownDepartment ?? []).map((role) => ({ role, scope: { ...type, departmentId: east } })),
      ];
      if (grants.length === 0) unreachable.push(`${item.id}: no role may edit it`);
      for (const { role, scope } of grants) {
        const q = new URLSearchParams(Object.entries(scope).map(([k, v]) => [k, String(v)])).toString();
        const got = await api.call('GET', `/api/settings/${item.id}?${q}`, { as: userOf[role] });
        if (!got.body.editable) { unreachable.push(`${item.id} (${JSON.stringify(scope)}): not offered to ${role}`); continue; }
        const put = await api.call('PUT', `/api/settings/${item.id}`, { as: userOf[role], body: { scope, expectedVersion: got.body.own.version, value: got.body.value } });
        if (put.status !== 200) unreachable.push(`${item.id} (${JSON.stringify(scope)}): ${role} saves → ${put.status} ${JSON.stringify(put.body).slice(0, 160)}`);
      }
    }
    expect(unreachable).to.deep.equal([]);
  });
});
