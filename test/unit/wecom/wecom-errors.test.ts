import { expect } from 'chai';
import { classifyErrcode, isTokenExpiredErrcode, WecomApiError } from '../../../core/wecom/wecom-errors.js';

describe('classifyErrcode(errcode)', () => {
  it('marks system busy and rate limits as retryable', () => {
    for (const code of [-1, 45009, 45033]) expect(classifyErrcode(code)).to.deep.equal({ kind: 'busy', retryable: true, permanent: false });
  });

  it('treats 40014/42001 as token problems the client refreshes itself', () => {
    expect(isTokenExpiredErrcode(40014) && isTokenExpiredErrcode(42001)).to.equal(true);
    expect(isTokenExpiredErrcode(41001)).to.equal(false);
    expect(classifyErrcode(42001)).to.include({ kind: 'token', retryable: false });
  });

  it('calls a missing token (41001) a bug that retrying cannot fix', () => {
    expect(classifyErrcode(41001)).to.deep.equal({ kind: 'bug', retryable: false, permanent: true });
  });

  it('never retries a bad secret or corpid, and keeps them for an operator', () => {
    for (const code of [40001, 40013, 60020]) expect(classifyErrcode(code)).to.deep.equal({ kind: 'config', retryable: false, permanent: false });
  });

  it('marks missing members as permanent invalid_user failures', () => {
    for (const code of [60111, 81013, 82001]) expect(classifyErrcode(code)).to.deep.equal({ kind: 'invalid_user', retryable: false, permanent: true });
  });

  it('leaves unknown errcodes for a human: neither retried nor discarded', () => {
    expect(classifyErrcode(99999)).to.deep.equal({ kind: 'unknown', retryable: false, permanent: false });
  });
});

describe('WecomApiError', () => {
  it('carries errcode, errmsg, path and the classification', () => {
    const err = new WecomApiError(45009, 'api freq out of limit', '/cgi-bin/message/send');
    expect(err).to.include({ errcode: 45009, errmsg: 'api freq out of limit', path: '/cgi-bin/message/send', retryable: true, permanent: false });
    expect(err.message).to.include('45009');
  });
});
