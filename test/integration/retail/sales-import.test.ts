import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { withTransaction } from '../../../core/db/pool.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { importSalesFile } from '../../../core/retail/sales-import.js';
import { seedRetailNetwork } from '../../../core/seed/modules/retail.seed.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { lookups } from '../actions/actions-helpers.js';

describe('sales data: POS/ERP sales by store × SKU × day, imported by file or API', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let lawson: string;
  let family: string;
  let westStore: string;
  const clock = new Date('2026-04-27T02:00:00Z'); // Monday 10:00 Shanghai
  const today = shanghaiDate(clock);
  const day = (n: number) => addCalendarDays(today, -n);
  const sales = () => $.count('retail_sales');
  const batches = () => $.count('retail_sales_batches');
  const upload = (as: string, bytes: string | Uint8Array, query = '') =>
    api.call('POST', `/api/retail/sales/import?fileName=pos.csv${query}`, { as, raw: bytes, headers: { 'Content-Type': 'application/octet-stream' } });

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock });
    $ = lookups(pool);
    const { rows: reps } = await pool.query(`SELECT id FROM users WHERE role = 'rep' ORDER BY id`);
    await seedRetailNetwork(pool, reps.map((r) => Number(r.id)), today);
    const code = async (name: string) => (await pool.query('SELECT s.code FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE c.name = $1', [name])).rows[0].code;
    lawson = await code('罗森静安寺店');
    family = await code('全家徐家汇店');
    const { rows: [west] } = await pool.query(
      `SELECT s.code FROM retail_stores s JOIN customers c ON c.id = s.customer_id
        WHERE c.department_id <> (SELECT department_id FROM customers WHERE name = '罗森静安寺店') ORDER BY s.customer_id LIMIT 1`);
    westStore = west.code;
  });
  after(() => api.close());

  it('imports a CSV export and the same file again imports nothing twice', async () => {
    const csv = `\uFEFF门店编码,商品编码,日期,销量,销售额\r\n${lawson},BEV-GT-500,${day(1)},12,54.00\r\n${lawson},BEV-LM-330,${day(1)},7,\r\n${family},BEV-GT-500,${day(2)},0,0\r\n`;
    const first = await upload('admin.lin', csv);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.include({ rowsTotal: 3, rowsImported: 3, rowsSkipped: 0, inserted: 3, replaced: 0, alreadyImported: false, fileName: 'pos.csv' });
    expect(first.body.batchId).to.match(/^file:[0-9a-f]{64}$/);
    const { rows: [r] } = await pool.query(
      `SELECT r.units, r.amount::text FROM retail_sales r JOIN retail_stores s ON s.customer_id = r.store_id JOIN retail_products p ON p.id = r.product_id
        WHERE s.code = $1 AND p.sku = 'BEV-GT-500' AND r.day = $2`, [lawson, day(1)]);
    expect(r).to.deep.equal({ units: 12, amount: '54.00' });

    const again = await upload('admin.lin', csv);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ alreadyImported: true, inserted: 0, batchId: first.body.batchId });
    expect(await sales()).to.equal(3);
    expect(await batches()).to.equal(1);
  });

  it('imports an XLSX sheet whose dates are date cells and figures numbers, stores by name and products by barcode', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('销量');
    ws.addRow(['门店名称', '商品条码', '日期', '销量']);
    ws.addRow(['罗森静安寺店', '6901234567922', new Date(`${day(3)}T00:00:00Z`), 9]);
    ws.addRow(['全家徐家汇店', '6901234567922', day(3), 4]);
    const res = await upload('admin.lin', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ rowsTotal: 2, inserted: 2 });
    const { rows } = await pool.query(
      `SELECT r.day::text, r.units FROM retail_sales r JOIN retail_products p ON p.id = r.product_id WHERE p.sku = 'SNK-SW-70' ORDER BY r.units`);
    expect(rows).to.deep.equal([{ day: day(3), units: 4 }, { day: day(3), units: 9 }]);
  });

  it('reads a CSV that Chinese Excel saved as GBK', async () => {
    const header = Buffer.from('c3c5b5eab1e0c2eb2cc9ccc6b7b1e0c2eb2cc8d5c6da2ccffac1bf0d0a', 'hex'); // 门店编码,商品编码,日期,销量\r\n in GBK
    const res = await upload('admin.lin', Buffer.concat([header, Buffer.from(`${lawson},SNK-NT-150,${day(4)},3\r\n`)]));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.inserted).to.equal(1);
  });

  const BAD = () => [
    '门店编码,商品编码,日期,销量',
    `${lawson},BEV-OJ-1L,${day(5)},5`, // good: row 2
    `MD999999,BEV-OJ-1L,${day(5)},5`, // 3: unknown store
    `${lawson},NOPE-1,${day(5)},5`, // 4: unknown SKU
    `${lawson},SNK-CK-90,${day(5)},-3`, // 5: negative
    `${lawson},SNK-CK-90,${day(6)},900000`, // 6: absurd
    `${lawson},SNK-CK-90,2026-02-30,1`, // 7: no such day
    `${lawson},SNK-CK-90,${addCalendarDays(today, 1)},1`, // 8: future
    `${lawson},BEV-OJ-1L,${day(5)},6`, // 9: repeats row 2
    `${family},BEV-OJ-1L,${day(5)},2.5`, // 10: not whole
    `${family},BEV-OJ-1L,${day(6)},8`, // good: row 11
  ].join('\n');

  it('refuses a file with bad rows whole, naming each row, column and what is wrong in Chinese, and writes nothing', async () => {
    const before = [await sales(), await batches()];
    const res = await upload('admin.lin', BAD());
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('SALES_FILE_REFUSED');
    const errors = res.body.error.details.errors.map((e: any) => [e.line, e.column, e.message]);
    expect(errors).to.deep.equal([
      [3, '门店编码', '系统中没有这家门店'],
      [4, '商品编码', '商品目录中没有这个商品'],
      [5, '销量', '销量不能为负数（退货请在 POS 中冲减后再导出）'],
      [6, '销量', '单店单品一天超过5000件，不合常理，请核对'],
      [7, '日期', '日期应为 年-月-日，如 2026-12-01'],
      [8, '日期', '日期在今天之后，POS 不会有未来的销量'],
      [9, '门店编码', '与第2行是同一门店、同一商品、同一天，请合并为一行'],
      [10, '销量', '销量应为整数件'],
    ]);
    expect(res.body.error.details).to.include({ rowsTotal: 10, errorCount: 8, goodRows: 2 });
    expect(res.body.error.message).to.contain('第3行「门店编码」系统中没有这家门店').and.contain('未导入任何数据').and.contain('只导入正确的2行');
    expect([await sales(), await batches()]).to.deep.equal(before);
  });

  it('imports only the good rows when the importer chooses so, the batch keeping each row it left out and why', async () => {
    const before = await sales();
    const res = await upload('admin.lin', BAD(), '&mode=valid');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ rowsTotal: 10, rowsImported: 2, rowsSkipped: 8, inserted: 2 });
    expect(res.body.skipped.map((e: any) => e.line)).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await sales()).to.equal(before + 2);
    const list = await api.call('GET', '/api/retail/sales/batches', { as: 'admin.lin' });
    expect(list.body.items[0]).to.include({ batchId: res.body.batchId, rowsSkipped: 8 });
  });

  it('takes an ERP batch by API once per batch id, and a later batch restating a day replaces it', async () => {
    const rows = [{ storeCode: lawson, sku: 'BEV-GT-500', day: day(7), units: 20, amount: 90 }, { storeCode: family, sku: 'BEV-GT-500', day: day(7), units: 11 }];
    const first = await api.call('POST', '/api/retail/sales', { as: 'director.wang', body: { batchId: 'ERP-0420', rows } });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.include({ batchId: 'api:ERP-0420', inserted: 2, alreadyImported: false });
    const retry = await api.call('POST', '/api/retail/sales', { as: 'director.wang', body: { batchId: 'ERP-0420', rows } });
    expect(retry.body).to.include({ alreadyImported: true, inserted: 0 });
    const fix = await api.call('POST', '/api/retail/sales', {
      as: 'director.wang', body: { batchId: 'ERP-0420-fix', rows: [{ ...rows[0], units: 18 }, rows[1]] },
    });
    expect(fix.body).to.include({ inserted: 0, replaced: 1, unchanged: 1 });
    const { rows: [r] } = await pool.query(
      `SELECT r.units, r.batch_id FROM retail_sales r JOIN retail_stores s ON s.customer_id = r.store_id WHERE s.code = $1 AND r.day = $2`, [lawson, day(7)]);
    expect(r).to.deep.equal({ units: 18, batch_id: 'api:ERP-0420-fix' });
  });

  it('lets a region\'s manager import only their region\'s stores, and no rep import at all', async () => {
    const res = await upload('mgr.li', `门店编码,商品编码,日期,销量\n${westStore},BEV-GT-500,${day(8)},1\n`);
    expect(res.status).to.equal(422);
    expect(res.body.error.details.errors[0]).to.include({ line: 2, column: '门店编码', value: westStore, message: '这家门店不在你的管辖范围内' });
    const rep = await upload('rep.zhao', `门店编码,商品编码,日期,销量\n${lawson},BEV-GT-500,${day(8)},1\n`);
    expect(rep.status).to.equal(403);
    expect(rep.body.error.message).to.equal('只有管理员、销售总监或区域主管可以导入销售数据');
  });

  it('says which columns a file lacks, and that a file of another kind cannot be read', async () => {
    const res = await upload('admin.lin', '门店,商品,销量\nA,B,1\n');
    expect(res.status).to.equal(400);
    expect(JSON.stringify(res.body.error.details)).to.contain('缺少列：门店编码（或门店名称）、商品编码（或商品条码）、日期');
    const junk = await upload('admin.lin', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xff, 0x00, 0xfe]));
    expect(junk.status).to.equal(400);
    expect(JSON.stringify(junk.body.error.details)).to.contain('文件不是 CSV 文本或 .xlsx 表格');
  });

  it('imports two files in one transaction, and keeps a store or product with imported sales from being deleted', async () => {
    const admin = (await loadActiveActor(pool, { wecomUserid: 'admin.lin' }))!;
    const file = (units: number) => Buffer.from(`门店编码,商品编码,日期,销量\n${lawson},SNK-NT-150,${day(9)},${units}\n${family},SNK-NT-150,${day(9)},2\n`);
    const [a, b] = await withTransaction(pool, async (tx) => [
      await importSalesFile(tx, admin, file(5), { fileName: 'a.csv', mode: 'all' }, clock),
      await importSalesFile(tx, admin, file(6), { fileName: 'b.csv', mode: 'all' }, clock),
    ]);
    expect([a, b].map((r) => [r.inserted, r.replaced, r.unchanged])).to.deep.equal([[2, 0, 0], [0, 1, 1]]);
    const { rows: [sold] } = await pool.query(
      `SELECT r.store_id, r.product_id, r.units FROM retail_sales r JOIN retail_stores s ON s.customer_id = r.store_id
        JOIN retail_products p ON p.id = r.product_id WHERE s.code = $1 AND p.sku = 'SNK-NT-150' AND r.day = $2`, [lawson, day(9)]);
    expect(sold.units).to.equal(6);
    let refused: any = null;
    await pool.query('DELETE FROM retail_products WHERE id = $1', [sold.product_id]).catch((e) => { refused = e; });
    expect(refused).to.include({ code: '23503', constraint: 'retail_sales_product_id_fkey' });
    refused = null;
    await pool.query('DELETE FROM retail_stores WHERE customer_id = $1', [sold.store_id]).catch((e) => { refused = e; });
    expect(refused).to.include({ code: '23503', constraint: 'retail_sales_store_id_fkey' });
    expect((await pool.query('SELECT count(*)::int AS n FROM retail_products WHERE id = $1', [sold.product_id])).rows[0].n).to.equal(1);
  });
});
