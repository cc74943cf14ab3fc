import { expect } from 'chai';
import { createJsApiSignature, signJsApi } from '../../../core/wecom/jssdk-signature.js';

const VECTOR = {
  ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
  nonceStr: 'Wm3WZYTPz0wzccnW',
  timestamp: 1414587457,
  url: 'http://mp.weixin.qq.com?params=value',
};

describe('signJsApi(ticket, url, nonceStr, timestamp)', () => {
  it('reproduces the official WeCom test vector', () => {
    expect(signJsApi(VECTOR)).to.equal('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('ignores the #fragment of a hash-routed page', () => {
    expect(signJsApi({ ...VECTOR, url: `${VECTOR.url}#/visits/12?tab=photo` })).to.equal('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('accepts the timestamp as a string', () => {
    expect(signJsApi({ ...VECTOR, timestamp: '1414587457' })).to.equal('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });
});

describe('createJsApiSignature(ticket, url, now)', () => {
  it('returns epoch seconds, an alphanumeric nonce and the matching signature', () => {
    const sig = createJsApiSignature(VECTOR.ticket, 'https://h5.example.com/a#b', 1_735_700_000_123);
    expect(sig.timestamp).to.equal(1_735_700_000);
    expect(sig.nonceStr).to.match(/^[A-Za-z0-9]{16}$/);
    expect(sig.signature).to.equal(signJsApi({ ticket: VECTOR.ticket, url: 'https://h5.example.com/a', nonceStr: sig.nonceStr, timestamp: sig.timestamp }));
  });
});
