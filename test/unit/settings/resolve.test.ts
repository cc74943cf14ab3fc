import { expect } from 'chai';
import { chainOfPath, resolveStored, scopesNearestFirst, type StoredScope } from '../../../core/settings/resolve.js';

const stored = (departmentId: number | null, customerType: 'store' | 'ka' | null, value: unknown, version = 1): StoredScope =>
  ({ scope: { departmentId, customerType }, value, version });

describe('settings: which scope a value comes from', () => {
  // 1 company › 2 销售中心 › 4 华东区 › 9 上海组
  const chain = chainOfPath('/1/2/4/9/');

  it('reads a materialised department path as the chain from the root down', () => {
    expect(chain).to.deep.equal([1, 2, 4, 9]);
    expect(chainOfPath(null)).to.deep.equal([]);
  });

  it('tries the department itself, then each parent, then the organisation; the type before all types at each level', () => {
    const order = scopesNearestFirst({ chain: [2, 4], customerType: 'store' }).map((s) => `${s.departmentId ?? 'org'}/${s.customerType ?? '*'}`);
    expect(order).to.deep.equal(['4/store', '4/*', '2/store', '2/*', 'org/store', 'org/*']);
  });

  it("lets a department's override win over the organisation's value for its whole subtree", () => {
    const rows = [stored(null, null, 'company'), stored(4, null, 'east')];
    expect(resolveStored(rows, { chain, customerType: null })?.value).to.equal('east');
    expect(resolveStored(rows, { chain: chainOfPath('/1/2/5/'), customerType: null })?.value).to.equal('company');
  });

  it("takes the nearest department: the team's own value beats its region's", () => {
    const rows = [stored(4, null, 'east'), stored(9, null, 'shanghai')];
    expect(resolveStored(rows, { chain, customerType: null })?.value).to.equal('shanghai');
  });

  it("lets a department's all-types value beat the organisation's value for one customer type", () => {
    const rows = [stored(null, 'store', 'company-store'), stored(4, null, 'east-all')];
    expect(resolveStored(rows, { chain, customerType: 'store' })?.value).to.equal('east-all');
    expect(resolveStored(rows, { chain: [1, 3], customerType: 'store' })?.value).to.equal('company-store');
  });

  it('skips a cleared override (value null) as if it had never been set, and answers null when nothing applies', () => {
    const rows = [stored(null, null, 'company'), stored(4, null, null, 3)];
    expect(resolveStored(rows, { chain, customerType: null })).to.deep.include({ value: 'company' });
    expect(resolveStored([stored(5, null, 'elsewhere')], { chain, customerType: null })).to.equal(null);
  });
});
