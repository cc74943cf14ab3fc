import { expect } from 'chai';
import { creditCodeCheckChar, creditCodeProblem, isValidCreditCode, orgCodeCheckChar, readOcrCreditCode } from '../../../../core/profile/licence/credit-code.js';
import { prng } from '../../../../core/seed/prng.js';
import { sampleCreditCode } from '../../../support/sample-licence.js';

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts published codes and computes their check characters', () => {
    // 国家市场监督管理总局's published example, and a code ending in a letter check character
    expect(isValidCreditCode('91350100M000100Y43')).to.equal(true);
    expect(creditCodeCheckChar('91350100M000100Y4')).to.equal('3');
    expect(orgCodeCheckChar('M000100Y')).to.equal('4');
  });

  it('refuses a changed character, a wrong length and characters the code never holds, in Chinese', () => {
    expect(creditCodeProblem('91350100M000100Y44')).to.deep.equal({ code: 'check_digit', message: '统一社会信用代码校验位不正确，请逐位核对' });
    expect(creditCodeProblem('91350100M000100Y4')?.message).to.equal('统一社会信用代码应为18位，这里是17位');
    expect(creditCodeProblem('91350100MO00100Y43')?.code).to.equal('characters');
    expect(creditCodeProblem('91350100M000100Y43')).to.equal(null);
  });

  it('generates only valid codes', () => {
    const r = prng(3);
    for (let i = 0; i < 200; i++) expect(isValidCreditCode(sampleCreditCode(r, '310115'))).to.equal(true);
  });

  it('reads an O as 0 when that makes the check character agree, and never guesses inside the alphabet', () => {
    expect(readOcrCreditCode('91350100MO00100Y43')).to.deep.equal({ value: '91350100M000100Y43', valid: true, corrected: true });
    expect(readOcrCreditCode('9135 0100 M000 100Y 43')).to.deep.equal({ value: '91350100M000100Y43', valid: true, corrected: false });
    expect(readOcrCreditCode('91350100M000100Y44')).to.deep.equal({ value: '91350100M000100Y44', valid: false, corrected: false });
  });
});
