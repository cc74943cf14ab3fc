import { expect } from 'chai';
import { describeFailure, loadUtteranceTable, parseUtteranceTable, scoreCase, scoreTable } from '../../support/understanding-table.js';

/**
 * The public utterance table (test/fixtures/understanding/utterances.tsv):
 * at least 300 things reps type, across dates, roles, stances, contact
 * changes, commands, corrections, obstacles and junk. The bar is 97 %
 * of the table; `npm run bench -- understanding` prints the same count.
 */
describe('the public utterance table', () => {
  const { cases } = loadUtteranceTable();

  it('has at least 300 cases, in every group the issue names', () => {
    expect(cases.length).to.be.at.least(300);
    const groups = new Set(cases.map((c) => c.group));
    for (const g of ['date', 'role', 'change', 'cmd', 'correction', 'obstacle', 'junk']) expect(groups, g).to.include(g);
  });

  it('is read right in at least 97 % of cases', () => {
    const score = scoreTable(cases);
    const rate = score.passed / score.total;
    expect(rate, `${score.passed}/${score.total}\n${score.failures.map(describeFailure).join('\n')}`).to.be.at.least(0.97);
  });

  it('fails a case whose reading differs from the table (the scorer can fail)', () => {
    const [wrong] = parseUtteranceTable('date\tnext\t明天下午\tdate=2026-12-11T15:00\n');
    const r = scoreCase(wrong);
    expect(r.pass).to.equal(false);
    expect(r.extra).to.deep.equal(['date=2026-12-10T15:00']);
  });

  it('reads a command as the command while a date is pending, not as the date it mentions', () => {
    const [c] = parseUtteranceTable('cmd\tnext\t今天有啥任务\tcmd=my_tasks\n');
    expect(scoreCase(c).got).to.deep.equal(['cmd=my_tasks']);
  });

  it('never records a role on a contact just because the title matched: a new name is offered to create', () => {
    const [c] = parseUtteranceTable('role\t-\t采购经理张伟是拍板的\trole=+张伟:决策者\n');
    expect(scoreCase(c).got).to.include('role=+张伟:决策者');
  });

  it('keeps a trade term whole after a negation ("没入库" is 入库, not 没入 + 库)', () => {
    const [c] = parseUtteranceTable('obstacle\t-\t设备一直没入库\tterm=入库 !term=没入\n');
    const r = scoreCase(c);
    expect(r.got).to.include('term=入库');
    expect(r.got).not.to.include('term=没入');
  });
});
