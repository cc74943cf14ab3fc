import { expect } from 'chai';
import { correctedReading } from '../../../../core/understanding/learned/corrected-reading.js';

describe('what a correction says the words meant', () => {
  it('names the stance, role or change a correction gives, in the learned reader\'s families', () => {
    expect(correctedReading('不对，她是反对的')).to.equal('stance:反对');
    expect(correctedReading('不是支持，是反对')).to.equal('stance:反对');
    expect(correctedReading('错了，是中立')).to.equal('stance:中立');
    expect(correctedReading('不对，他是拍板的')).to.equal('role:决策者');
    expect(correctedReading('不是离职，是调岗')).to.equal('change:transferred');
    expect(correctedReading('说错了，是离职了')).to.equal('change:left');
  });

  it('names nothing for a correction of another kind, or for words that are no correction', () => {
    expect(correctedReading('不对，是下周四')).to.equal(null);
    expect(correctedReading('不对')).to.equal(null);
    expect(correctedReading('他是反对的')).to.equal(null);
  });
});
