import { expect } from 'chai';
import { settingFiles, settingsRegistry } from '../../../core/settings/registry.js';
import { SETTING_TOPICS } from '../../../core/settings/define.js';

describe('settings registry', () => {
  it('finds every *.setting.ts under core/ and registers what each exports', async () => {
    const registry = await settingsRegistry();
    expect(settingFiles()).to.include.members(['settings/permissions.setting.ts', 'actions/followup-standard.setting.ts']);
    expect(new Set(registry.fileOf.values())).to.deep.equal(new Set(settingFiles()));
    expect(registry.byKey.get('followup.standard')?.label).to.equal('有效跟进标准');
  });

  it('lists settings in the order of the screen topics, each with a Chinese label and help', async () => {
    const { all } = await settingsRegistry();
    const order = Object.keys(SETTING_TOPICS);
    const positions = all.map((d) => order.indexOf(d.topic));
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    for (const d of all) expect(d.label + d.help, d.key).to.match(/[\u4e00-\u9fff]/);
  });
});
