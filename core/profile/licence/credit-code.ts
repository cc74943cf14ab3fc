/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters — registration authority,
 * entity type, 6-digit administrative division, the 9-character organisation
 * code (GB 11714, with its own check character) and a check character over
 * the first 17. The alphabet leaves out I, O, S, V and Z, which OCR confuses
 * with digits: readOcrCreditCode tries the usual confusions and keeps a
 * reading only when its check character agrees.
 *
 *   isValidCreditCode('91350100M000100Y43')  // true
 *   creditCodeCheckChar('91350100M000100Y4')  // '3'
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The 18th character for the first 17, or null when one of them is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

/** The organisation code's 9th character (GB 11714) for its first 8. */
export function orgCodeCheckChar(first8: string): string | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first8[i]);
    if (v < 0) return null;
    sum += v * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function isValidCreditCode(code: string): boolean {
  return code.length === 18 && SHAPE.test(code) && creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

export type CreditCodeProblem = 'length' | 'characters' | 'check_digit';

/** Why a code is not valid, in words a rep understands; null when it is. */
export function creditCodeProblem(code: string): { code: CreditCodeProblem; message: string } | null {
  if (code.length !== 18) return { code: 'length', message: `统一社会信用代码应为18位，这里是${code.length}位` };
  if (!SHAPE.test(code)) return { code: 'characters', message: '统一社会信用代码含有不该出现的字符（不含 I、O、S、V、Z），请核对' };
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return { code: 'check_digit', message: '统一社会信用代码校验位不正确，请逐位核对' };
  return null;
}

// what OCR reads for characters the code never contains
const OUTSIDE: Record<string, string> = { O: '0', I: '1', Z: '2', S: '5', V: 'U' };

/**
 * The credit code in an OCR reading: as read when it validates; else, when
 * the reading holds characters the code never contains (O, I, Z, S, V), with
 * those read as the digits they resemble — kept only if the check character
 * then agrees. Characters inside the alphabet are never guessed at: with 31
 * possible check characters a blind swap would "validate" a wrong code too
 * often, so those are left for the rep to correct.
 */
export function readOcrCreditCode(raw: string): { value: string; valid: boolean; corrected: boolean } {
  const read = raw.toUpperCase().replace(/[\s\-_.·]/g, '');
  if (isValidCreditCode(read)) return { value: read, valid: true, corrected: false };
  const fixed = read.replace(/[OIZSV]/g, (ch) => OUTSIDE[ch]);
  if (fixed !== read && isValidCreditCode(fixed)) return { value: fixed, valid: true, corrected: true };
  return { value: read, valid: false, corrected: false };
}
