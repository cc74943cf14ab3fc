import { expect } from 'chai';
import { ipPrefixOf, visitorOf } from '../../../core/sharing/visitor.js';
import { shareToken, verifyShareToken } from '../../../core/sharing/share-token.js';

describe('share visitors: what is kept of an address and a device', () => {
  it('keeps an IPv4 address\'s /24 and an IPv6 address\'s /48, whatever its spelling', () => {
    expect(ipPrefixOf('203.0.113.77')).to.equal('203.0.113.0/24');
    expect(ipPrefixOf('::ffff:198.51.100.9')).to.equal('198.51.100.0/24');
    expect(ipPrefixOf('2001:db8:abcd:12::1')).to.equal('2001:db8:abcd::/48');
    expect(ipPrefixOf('2001:0db8:00ab::')).to.equal('2001:db8:ab::/48');
    expect(ipPrefixOf('::1')).to.equal('0:0:0::/48');
    expect(ipPrefixOf('not an address')).to.equal('unknown');
  });

  it('fingerprints a device by browser, languages and network, never keeping the full address', () => {
    const a = visitorOf('203.0.113.77', 'UA', 'zh-CN');
    expect(a.fingerprint).to.match(/^[0-9a-f]{16}$/);
    expect(visitorOf('203.0.113.5', 'UA', 'zh-CN')).to.deep.equal(a);
    expect(visitorOf('203.0.114.77', 'UA', 'zh-CN').fingerprint).to.not.equal(a.fingerprint);
    expect(visitorOf('203.0.113.77', 'UA2', 'zh-CN').fingerprint).to.not.equal(a.fingerprint);
    expect(JSON.stringify(a)).not.to.contain('77');
  });
});

describe('share tokens', () => {
  const secret = 'unit-secret-0123456789';

  it('verifies its own token and names the link, the same address every time', () => {
    expect(shareToken(secret, 42)).to.equal(shareToken(secret, 42));
    expect(verifyShareToken(secret, shareToken(secret, 42))).to.equal(42);
  });

  it('refuses a token of another secret, another id, an altered signature or a malformed one', () => {
    const t = shareToken(secret, 42);
    const sig = t.split('.')[1];
    for (const bad of [shareToken('other-secret-0123456789', 42), `43.${sig}`, `42.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      `42.${sig}0`, '42', '', '0.AAAAAAAAAAAAAAAAAAAAAA', `-42.${sig}`, `042.${sig}`, `99999999999999999.${sig}`]) {
      expect(verifyShareToken(secret, bad), bad).to.equal(null);
    }
  });
});
