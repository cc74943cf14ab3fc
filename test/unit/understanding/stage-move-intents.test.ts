import { expect } from 'chai';
import { DEFAULT_PIPELINE } from '../../../core/flow/pipeline.js';
import { detectStageMove, namedPositions } from '../../../core/understanding/intents.js';

describe('detectStageMove (a deal named by its customer, moved to a stage named in Chinese)', () => {
  const positions = namedPositions(DEFAULT_PIPELINE);

  it('reads the customer and the (sub-)stage from the ways reps say it', () => {
    for (const [text, customer, sub] of [
      ['华联的单子进入商务条款磋商了', '华联', 'commercial_terms'],
      ['协和那边到合同签约了', '协和', null],
      ['六院的商机推进到方案报价阶段', '六院', null],
      ['物美这单已经到了法务审核。', '物美', 'legal_review'],
    ] as const) {
      const m = detectStageMove(text, positions);
      expect(m, text).to.not.equal(null);
      expect(m!.customerText, text).to.equal(customer);
      expect(m!.target.subStageKey, text).to.equal(sub);
    }
  });

  it('ignores messages that name no stage of the pipeline', () => {
    for (const text of ['明天到华联', '华联的采购进入会议室了', '我到了', '进入']) expect(detectStageMove(text, positions), text).to.equal(null);
  });
});
