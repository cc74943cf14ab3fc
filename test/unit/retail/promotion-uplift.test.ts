import { expect } from 'chai';
import { promotionUplift, type StoreFigures } from '../../../core/retail/promotion-uplift.js';

describe('promotionUplift: a promotion\'s uplift and ROI by the pre-period and by matched stores', () => {
  const store = (name: string, during: number, pre: number, controls: StoreFigures['controls'] = { names: [], during: 0, pre: 0 }): StoreFigures =>
    ({ storeId: name.length, name, during, pre, controls });

  it('counts the pre-period\'s units as the baseline, and prices the extra units at the period\'s average price', () => {
    const r = promotionUplift([store('A', 108, 60)], { amount: 540, units: 108 }, 100);
    expect(r.prePeriod).to.deep.equal({ baseline: 60, actual: 108, uplift: 48, upliftPercent: 80, incrementalRevenue: 240, roi: 2.4, stores: 1 });
    expect(r.unitPrice).to.equal(5);
  });

  it('scales a store\'s pre-period by how its matched stores moved, so a lift every store had is not the promotion\'s', () => {
    const r = promotionUplift([store('A', 108, 60, { names: ['B', 'C'], during: 198, pre: 180 })], { amount: 540, units: 108 }, 100);
    expect(r.matched).to.deep.equal({ baseline: 66, actual: 108, uplift: 42, upliftPercent: 63.6, incrementalRevenue: 210, roi: 2.1, stores: 1 });
    expect(r.perStore[0]).to.include({ matchedBaseline: 66, preBaseline: 60, actual: 108 });
  });

  it('leaves a store without matched sales out of the matched method and names it, keeping it in the pre-period', () => {
    const r = promotionUplift([store('A', 108, 60, { names: ['B'], during: 198, pre: 180 }), store('E', 30, 30)], { amount: 690, units: 138 }, 100);
    expect(r.unmatched).to.deep.equal(['E']);
    expect(r.prePeriod).to.include({ baseline: 90, actual: 138, uplift: 48, upliftPercent: 53.3, roi: 2.4, stores: 2 });
    expect(r.matched).to.include({ baseline: 66, actual: 108, stores: 1 });
  });

  it('has no ROI without prices and no uplift share without a baseline', () => {
    const r = promotionUplift([store('A', 12, 0)], { amount: 0, units: 0 }, 100);
    expect(r.prePeriod).to.include({ uplift: 12, upliftPercent: null, incrementalRevenue: null, roi: null });
    expect(r.unitPrice).to.equal(null);
  });
});
