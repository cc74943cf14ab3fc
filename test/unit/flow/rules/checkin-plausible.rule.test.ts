import { expect } from 'chai';
import type { PastCheckIn } from '../../../../core/flow/evidence/types.js';
import { checkinPlausibleRule } from '../../../../core/flow/rules/checkin-plausible.rule.js';
import type { CheckIn } from '../../../../core/flow/types.js';
import { aCheckInHistory, aPhoto, aPhotoEvidence, anEvidenceContext, aVisitFacts, codes, NOW, PEOPLES_SQUARE_WGS84, sh } from '../support/builders.js';

const here: CheckIn = { ...PEOPLES_SQUARE_WGS84, coordSystem: 'wgs84', at: sh('10:00'), accuracy: 30 };
const past = (patch: Partial<PastCheckIn>): PastCheckIn => ({
  ...PEOPLES_SQUARE_WGS84, coordSystem: 'wgs84', at: sh('09:00'), accuracy: 25, customer: { id: 2, name: '联华超市' }, actionId: 40, ...patch,
});
const check = (checkIn: Partial<CheckIn>, history = aCheckInHistory(), patch: Parameters<typeof aVisitFacts>[0] = {}) =>
  checkinPlausibleRule.check(aVisitFacts({ ...patch, report: { checkIn: { ...here, ...checkIn }, ...patch.report }, evidence: anEvidenceContext({ checkIns: history }) }), {});

describe('checkin.plausible', () => {
  it('passes a check-in an hour after one 20 km away', () => {
    expect(check({}, aCheckInHistory({ nearest: [past({ lat: 31.41, at: sh('09:00') })] }))).to.deep.equal([]);
  });

  it('flags a teleport: 160 km in 30 minutes, naming the previous check-in', () => {
    const [f] = check({}, aCheckInHistory({ nearest: [past({ lat: 32.67, at: sh('09:30') })] }));
    expect(f).to.include({ code: 'CHECKIN_TELEPORT', target: 'checkIn' });
    expect(f.message).to.contain('联华超市').and.contain('30 分钟');
  });

  it('treats short moves as GPS noise however close in time', () => {
    expect(check({}, aCheckInHistory({ nearest: [past({ lat: 31.2354, at: sh('10:00') })] }))).to.deep.equal([]);
  });

  it('suspects a mock location from an accuracy of exactly 0', () => {
    expect(codes(check({ accuracy: 0 }))).to.deep.equal(['CHECKIN_MOCK_SUSPECT']);
  });

  it('suspects coordinates reused exactly for another customer or another day, not a second action at the same shop that day', () => {
    const spot = (p: Partial<PastCheckIn>) => ({ ...past(p), userName: '赵小明', sameUser: true });
    expect(codes(check({}, aCheckInHistory({ sameSpot: [spot({})] })))).to.deep.equal(['CHECKIN_MOCK_SUSPECT']);
    expect(codes(check({}, aCheckInHistory({ sameSpot: [spot({ customer: { id: 1, name: 'x' }, at: sh('09:00', '2024-05-02') })] }))))
      .to.deep.equal(['CHECKIN_MOCK_SUSPECT']);
    expect(check({}, aCheckInHistory({ sameSpot: [spot({ customer: { id: 1, name: '华联' }, at: sh('08:00') })] }), { customer: { id: 1 } }))
      .to.deep.equal([]);
  });

  it('suspects the same declared accuracy ten check-ins in a row, not nine', () => {
    expect(codes(check({}, aCheckInHistory({ recentAccuracies: Array(9).fill(30) })))).to.deep.equal(['CHECKIN_MOCK_SUSPECT']);
    expect(check({}, aCheckInHistory({ recentAccuracies: [...Array(8).fill(30), 65] }))).to.deep.equal([]);
  });

  it('flags a check-in later than the server clock', () => {
    const [f] = check({ at: new Date(NOW.getTime() + 3_600_000) });
    expect(f).to.include({ code: 'CHECKIN_CLOCK_SKEW' });
  });

  it('flags a photo captured after the server received it', () => {
    const photo = { ...aPhoto(1, ['门头照'], sh('10:50')), photo: aPhotoEvidence({ uploadedAt: sh('10:20') }) };
    expect(codes(check({}, aCheckInHistory(), { report: { attachments: [photo] } }))).to.deep.equal(['CHECKIN_CLOCK_SKEW']);
  });

  it('flags a check-in two days old, unless the offline queue took the report soon after it', () => {
    const old = sh('10:00', '2024-05-06');
    expect(codes(check({ at: old }))).to.deep.equal(['CHECKIN_CLOCK_SKEW']);
    expect(check({ at: old }, aCheckInHistory(), { report: { queuedAt: sh('11:00', '2024-05-06') } })).to.deep.equal([]);
  });

  it('says nothing without a check-in', () => {
    expect(checkinPlausibleRule.check(aVisitFacts({ report: { checkIn: undefined } }), {})).to.deep.equal([]);
  });
});
