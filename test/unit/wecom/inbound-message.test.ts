import { expect } from 'chai';
import { parseWecomXml } from '../../../core/wecom/callback-crypto.js';
import { toInboundMessage, type InboundMessage } from '../../../core/wecom/inbound-message.js';

const CORP = 'ww0123';
const xml = (fields: string) =>
  `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[mgr_li]]></FromUserName>` +
  `<CreateTime>1735700000</CreateTime>${fields}<AgentID>1000002</AgentID></xml>`;
const parse = (fields: string): InboundMessage => toInboundMessage(parseWecomXml(xml(fields)));
const cardEvent = (extra = '', key = 'claim:a123') =>
  parse(
    `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${key}]]></EventKey>` +
      `<TaskId><![CDATA[alert_a123_r1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>` +
      `<ResponseCode><![CDATA[RC]]></ResponseCode>${extra}`,
  );

describe('toInboundMessage(parsed callback XML)', () => {
  it('maps a text message and keeps user whitespace', () => {
    const msg = parse('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ 拜访 华为：已演示 ]]></Content><MsgId>1</MsgId>');
    expect(msg).to.deep.include({ kind: 'text', content: ' 拜访 华为：已演示 ', corpId: CORP, agentId: '1000002' });
  });

  it('maps image and voice messages with their media ids', () => {
    const image = parse('<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://p/1]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>2</MsgId>');
    expect(image).to.deep.include({ kind: 'image', mediaId: 'm1', picUrl: 'https://p/1', msgId: '2' });
    const voice = parse('<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>3</MsgId>');
    expect(voice).to.deep.include({ kind: 'voice', mediaId: 'v1', format: 'amr' });
  });

  it('maps a location message: Location_X is latitude, Location_Y longitude', () => {
    const msg = parse(
      '<MsgType><![CDATA[location]]></MsgType><Location_X>31.2304</Location_X><Location_Y>121.4737</Location_Y>' +
        '<Scale>15</Scale><Label><![CDATA[上海市黄浦区]]></Label><MsgId>4</MsgId><AppType><![CDATA[wxwork]]></AppType>',
    );
    expect(msg).to.deep.include({ kind: 'location', latitude: 31.2304, longitude: 121.4737, scale: 15, label: '上海市黄浦区', msgId: '4' });
  });

  it('maps enter_agent, LOCATION, click and view events', () => {
    expect(parse('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey>')).to.deep.include({
      kind: 'enter_agent',
      eventKey: '',
    });
    expect(
      parse('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>30</Precision>'),
    ).to.deep.include({ kind: 'location_report', latitude: 23.1, longitude: 113.3, precision: 30 });
    expect(parse('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[click]]></Event><EventKey><![CDATA[my_actions]]></EventKey>')).to.deep.include({
      kind: 'click',
      eventKey: 'my_actions',
    });
    expect(parse('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[view]]></Event><EventKey><![CDATA[https://h5]]></EventKey>').kind).to.equal('view');
  });

  it('maps a button click with its fresh ResponseCode', () => {
    expect(cardEvent()).to.deep.include({
      kind: 'template_card_event',
      eventKey: 'claim:a123',
      taskId: 'alert_a123_r1',
      cardType: 'button_interaction',
      responseCode: 'RC',
      selectedItems: [],
    });
  });

  it('reads selections spelled OptionIds as well as SKIT\'s OpitonIds', () => {
    const msg = cardEvent(
      '<SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[o1]]></OptionId><OptionId><![CDATA[o2]]></OptionId></OptionIds></SelectedItem>\n' +
        '<SelectedItem><QuestionKey><![CDATA[q2]]></QuestionKey><OpitonIds><OpitonId><![CDATA[x]]></OpitonId></OpitonIds></SelectedItem></SelectedItems>',
    );
    expect(msg).to.have.property('selectedItems').that.deep.equals([
      { questionKey: 'q1', optionIds: ['o1', 'o2'] },
      { questionKey: 'q2', optionIds: ['x'] },
    ]);
  });

  it('keys events by sender, time, event, key and task so retries collide and distinct clicks do not', () => {
    expect(cardEvent().dedupeKey).to.equal(cardEvent().dedupeKey);
    expect(cardEvent().dedupeKey).to.not.equal(cardEvent('', 'resolve:a123').dedupeKey);
    expect(cardEvent().dedupeKey).to.equal('evt:mgr_li:1735700000:template_card_event:claim%3Aa123:alert_a123_r1');
  });

  it('keys messages by MsgId', () => {
    expect(parse('<MsgType><![CDATA[text]]></MsgType><Content>x</Content><MsgId>9007199254740993</MsgId>').dedupeKey).to.equal('msg:9007199254740993');
  });

  it('passes unknown message and event types through as unsupported instead of failing', () => {
    expect(parse('<MsgType><![CDATA[video]]></MsgType><MediaId>v</MediaId><MsgId>5</MsgId>')).to.deep.include({ kind: 'unsupported', msgType: 'video' });
    const change = parse('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType>');
    expect(change).to.deep.include({ kind: 'unsupported', msgType: 'event', event: 'change_contact' });
    expect(change.raw).to.have.property('ChangeType', 'update_user');
  });

  it('rejects a payload without a sender', () => {
    expect(() => toInboundMessage({ ToUserName: CORP, CreateTime: '1', MsgType: 'text', Content: 'x', MsgId: '1' })).to.throw();
  });
});
