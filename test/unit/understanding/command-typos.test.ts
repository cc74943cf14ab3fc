import { expect } from 'chai';
import { fixCommandTypos } from '../../../core/understanding/command-typos.js';

describe('command words typed with a sound-alike character', () => {
  it('puts the command word back for a slip of the pinyin keyboard', () => {
    expect(fixCommandTypos('我的任物')).to.equal('我的任务');
    expect(fixCommandTypos('写日保')).to.equal('写日报');
    expect(fixCommandTypos('看看我的商几')).to.equal('看看我的商机');
  });

  it('leaves a word of its own alone, though it sounds like a command word (人物 is not 任务)', () => {
    expect(fixCommandTypos('关键人物有哪些')).to.equal('关键人物有哪些');
    expect(fixCommandTypos('今天拜访了华联')).to.equal('今天拜访了华联');
  });
});
