/**
 * Decision-chain facts in plain words: "采购经理刘总是拍板的人" → the role
 * 决策者 (core/flow/buying-centre.ts: decider) and a person (surname 刘, title 采购经理),
 * matched against the customer's contacts. Ambiguity is returned, not guessed:
 * the caller asks back.
 *
 *   const role = detectRole(text, BUYING_ROLE_OPTIONS);
 *   const who = detectPerson(text, contacts); // { mention: '刘总', candidates: [...] }
 */

import { BUYING_ROLE_LABELS, buyingRoleFromLabel, type Attitude, type BuyingRole } from '../flow/buying-centre.js';
import { honorificsIn, isPoliteOnly, namesIn, oneCharOff, soundsAlike, titleFits, titleHolds } from './names.js';

export interface ContactRef {
  id: number;
  name: string;
  title: string | null;
  department: string | null;
  buyingRole: BuyingRole | null;
}

export interface RoleMention {
  /** One of the field's options (e.g. 决策者), or null when the options have no such label. */
  label: string | null;
  role: BuyingRole;
  /** Set when the words also say how they stand (内线 → 支持). */
  attitude?: Attitude;
  /** 内线（教练）. */
  isCoach?: boolean;
  /** The words that said it. */
  phrase: string;
  /** Said of nobody, the words are no role ("疫情对销量影响很大", "系统在操作中"). */
  needsPerson?: boolean;
}

/** What a process cannot get past when someone refuses: 过不了, 批不下来, 走不下去, 没戏. */
const BLOCKED = '(过不了|过不去|批不下来|批不了|进不了|进不去|上不了|走不下去|走不动|推不动|推不下去|办不成|成不了|通不过|没戏|白搭|免谈|没(有)?办法|没辙|没法[^，,。]{0,3}?(走|办|推|弄|进行)|出不来|下不来|动不了|付不了|见不到|约不到)';
/** "财务这块刘总不同意就过不了", "没有刘总签字这事走不下去", "孙丽那边通不过就没戏": a gate said as what happens when they refuse. */
const GATE_REFUSAL = new RegExp(`(不同意|不点头|不签字?|不批|不认可|不盖章|不放|不安排|不通报|不让|没(有)?[^，,。]{0,6}?(签字|同意|点头|盖章|批准|审批|把关))[^，,。]{0,8}?${BLOCKED}|(那边|这边|那里|这里|那儿|这儿|这关)?通不过(就|便|的话)`);
/** "资质这块得孙主任点头才行": a yes needed for one area (the whole deal's yes is the decider's: 这事得刘总点头). */
const GATE_AREA = /(资质|技术|参数|预算|财务|经费|付款|价格|报价|合同|方案|标书|准入|质控|医保|设备科|药剂科|药事)(这一?块|那一?块|方面|上面?|这边|那边)[^，,。]{0,10}?(点头|同意|签字|批准|认可|审过|通过)(了)?(才行|才能|才可以|才算|才算数)/;
/** "付款要刘敏签字", "报销得财务总监批": money lets out only on their signature (the deal's own signature is the decider's). */
const GATE_MONEY = /(付款|报销|请款|结算|回款|预算|经费|财务)[^，,。]{0,4}?(要|得|需要|必须|都要|都得|还要|还得)[^，,。]{1,8}?(签字|签批|批|审批|同意|点头)/;
/**
 * "孙主任要先审核资质", "方案得张杰审过了才能上会", "要黄主任那边先过一遍": a review everything must pass first.
 * Said of nobody it is no role (资质审核要两周 is a pain point).
 */
const GATE_REVIEW = /(审核|审查|把关)(合同|资质|方案|报价|价格|标书|预算|付款|供应商|厂家)|(提交|上会|进院|报上去|报院里|投标|签约)(之)?前(都)?(得|要|需要|必须)?(先)?(给|让|经|交)?[^，,。]{1,6}?(看一下|看一遍|看看|过目|审一下|审核|评审|过一遍|过一下)|(要|得|需要|必须|都要|先)[^，,。]{0,8}?(先|提前)(审核|审查|审一下|审一遍|审批|过一遍|过一下|过目|看一遍|把关)|(要|得|需要|必须)[^，,。]{0,6}?(审核|审查)(一下|一遍|通过|过)?|(审核|审查|审|看|过目)(过|通过|完)(了)?(以后|之后)?(才|再)(能|可以|行|上会|报|提交)|(点头|同意|签字)(了)?(以后|之后)?才(能|可以)(上会|上.{1,3}会|报上去|提交|报院里)/;

/**
 * Phrases per buying-centre role, as reps describe people: by authority (拍板, 说了算, 签字), by function
 * (负责技术评估, 管预算, 具体用设备), by obstruction (卡在…那里, 不松口, 要过…那关) and by origin (最早提, 牵头).
 * An inside champion is an influencer who supports us (内线).
 */
const ROLE_PHRASES: Array<{ role: BuyingRole; attitude?: Attitude; isCoach?: boolean; needsPerson?: boolean; phrases: RegExp }> = [
  // a gate said as a condition or a prior review, no 卡/关 word: listed first, so it wins over the 点头/签字/不同意 inside it
  { role: 'gatekeeper', needsPerson: true, phrases: new RegExp(`${GATE_REFUSAL.source}|${GATE_AREA.source}|${GATE_MONEY.source}|${GATE_REVIEW.source}`) },
  // 很支持我们 / 挺我们 / 认可 say how someone stands (a stance); "是支持我们的(人)" says who they are: our 内线
  { role: 'influencer', attitude: 'support', isCoach: true, phrases: /内部支持者|内线|教练|coach|champion|内应|是(个|一个)?支持我们的|帮我们说话|替我们说话|自己人|(给|跟|向)我们透(了|过)?(点)?(消息|底|口风|风)|(帮|替|给)我们.{0,8}(说好话|美言|说情|推荐)|通风报信/i },
  // English and slang said beside Chinese: "boss是王院长", "KP是王建国", "王院长是老大", "decision maker"
  { role: 'decider', phrases: /(是|就是)(我们的|他们的|真正的|最大的)?(大?boss|大?老板|老大(?!难)|kp|decision ?maker|关键人)|^(大?boss|大?老板|老大|kp|decision ?maker|关键人)(是|就是)|decision ?maker|决策者|决策人|拍板|拍(的|了)板|说了(才)?算|说的(才)?算|(说话|拍板)才(算|管用)|最终决定|最后定|定夺|一把手|签字|签批|有决定权|决定权|做决定|最终拍|大老板|老板说了|关键决策|最后批|最终审批|点头才行|他点头|她点头|能定下来|定的人|(定不定|买不买|签不签|批不批|成不成|要不要|上不上|进不进|换不换|用不用)(买|签|上|进|换)?(得|要|还得|还要|都|全)?(看|听|靠|凭|取决于)|得看.{0,6}(意思|点头|拍板)|点头|(最终|最后)还是.{1,6}?(定|拍|签|批)|点(个|下)头|一句话(的事|就(能|可以)?(定|拍板|搞定|决定|成|行|算))|(看|凭|听)[^，,。]{0,6}一句话|(同意|点头|拍了板|认可|开口)(了)?(就|才)(能|可以|行|算|成|好)|发话|(能|可以)?(做主|作主)|做得了主|决定(权|的权力)|拍板的?权/i },
  { role: 'initiator', phrases: /发起者|发起人|最早提|最先提|最早是.{0,6}提|先提出|提出(来)?(的)?需求|提的需求|需求是.{0,8}提|牵头|立项的|发起的|发起了|是.{0,4}发起|(牵|起)(了)?(个|的)?头|(带|挑|开)(了|的)(个)?头|(最初|最早|起初|当初|一开始)(是|就是|由)?.{0,6}(提出|提起|提议|提的|说要|想要|想(引进|买|换|上|采购)|张罗|要买|要换)|张罗(起来)?的|(搞|推|弄|张罗)起来的|(先|最先|率先)提议|提议(买|采购|上|换|引进)/ },
  { role: 'gatekeeper', phrases: /把关者|(一票)?否决权|一票否决|能否决|卡在|卡着|卡住|不松口|不放行|那关|这关|一关|把着|拦着|挡着|压着不批|(一直|还|都)?(压着|拖着)|卡(预算|钱|付款|审批|经费|流程)|(要|负责|来|在)?把关|不(付款|给钱|放款|批)|(审批|预算|付款|报销|合同)(都)?(要|得|必须|需要)?经过|不签字|财务把关|管(着|的是)?(钱|钱袋子|预算|经费|付款)|(预算|经费|钱|付款|财务)(的事|的事情|这块|方面)?(归|由).{0,4}?(在管|管着|负责|来管|管)|(预算|经费|钱)(是|由|归)?.{0,4}(在管|管着|负责|来管)|管财务|财务审批|付款审批|财务负责人|把财务关|审批关|守门|审批权|(预算|钱袋子|钱|经费|财权|审批)(都|全)?(握|攥|捏|掌握|管)?在[^，,。]{1,6}手(里|上|中)|(握|攥|捏|掌)着(预算|钱袋子|财权)|(?<!现在|改由|换成)(预算|付款|经费|财务|回款|结算|报销)(的事情?|这一?块|那一?块|那边|这边|方面)?(都)?(归|由|是)[^，,。]{1,8}?(在|来)?(管|负责|主管|分管)/ },
  { role: 'buyer', phrases: /(订单|采购单|单子)(都|一般|基本上?|平时)?(是|由|归)[^，,。]{1,6}?(来|在|去|负责)?(下|出|开)|(下单|订货|订单|采购|招标|合同)(的事情?|这块|的话)?(都|就|要|得|还得)?找|(下单|订货|采购|招标)(都|就|要|得|还得)?走[^，,。]{1,6}?(那边|那里|那儿|这边)|经办人|经手人|(采购|招标|下单|订货)(的)?(流程|手续)(都|一般)?(是|由|归)?[^，,。]{0,6}?(去|在|来)(办|走|跑)|采购者|采购负责人|负责采购|管采购|采购的负责人|采购这块|采购口|走采购流程|(采购)?合同(是|由|归)?.{0,4}?(在签|来签|负责|在管)|(采购|招标|下单|合同)(流程|手续)(是|由|归)?.{0,6}(在走|来走|在办|来办|负责|在管)|负责下单|下单的|谈价格的|负责商务|商务谈判|对接采购|采购由|管(下单|合同|招标|报价|商务|订货)|(下单|订货|招标|采购)(的事|这块)?(是|由).{0,4}?(负责|在管|来做|在做)|(?<!现在|改由|换成)(采购|下单|订货|招标|合同|商务|谈价|议价|采购流程)(的事情?|这一?块|那一?块|那边|这边|方面|流程|工作)?(都)?(归|由|是)[^，,。]{1,8}?(在|来)?(管|负责|主管|分管|跑|办)|(分管|主管|管着)(采购|下单|招标|合同|商务)/ },
  // by what they do day to day, no authority word: 设备主要是李娜在操作, 平时都是孙丽在用 (not 在用竞品: that is a stance)
  { role: 'user', needsPerson: true, phrases: /(主要|平时|日常|一般|基本上?|通常|大多|多半|天天|每天)(都)?(是|由|靠)[^，,。]{1,6}?(在)?(操作|使用|用|上机)(?![^，,。]{0,4}(竞品|别家|对手|友商|别的))|(现在|目前)(都)?(是|由)[^，,。]{1,10}?在(操作|使用|用|上机)(?![^，,。]{0,4}(竞品|别家|对手|友商|别的))|上手(操作|用|使用)|(?<![不没])在(操作|上机)|上机操作|用(的|得)最(多|勤)|(日常|整天)(都)?(在)?(用|操作|使用)/ },
  { role: 'user', phrases: /使用者|具体操作|负责操作|使用部门|用的人|具体用|具体使用|一线使用|使用科室|用户部门|天天用|实际用|操作设备|上手用|真正用|用设备的|(天天|每天|一直|经常|平时|主要)+(都|也)?(在)?(用|操作|使用)|操作(这个|这套|这台)?(系统|设备|机器|仪器)|用得(最)?多|(?<![对想愿肯让])用我们(的)?(设备|产品)|临床(在)?用|用机器的/ },
  // by how much they weigh: 对方案有很大影响力, 对结果影响很大, 话很有分量 — said of a person (needsPerson)
  { role: 'influencer', needsPerson: true, phrases: /影响力|(有|起)(着)?(很大|不小|挺大|较大|重大|决定性|关键|重要|相当大)(的)?(影响|作用)|影响(很大|不小|挺大|比较大|非常大|特别大|蛮大)|(话|意见|看法|建议)[^，,。]{0,6}(分量|管用|好使|算数)|(?<=(看重|重视|听)[^，,。]{0,4})(意见|看法|建议)|(意见|看法|建议)[^，,。]{0,6}(看重|重视)/ },
  { role: 'influencer', phrases: /影响者|技术把关|把技术关|技术评估|评估技术|技术上把关|技术(这块|这一块|方面|上)?的?负责人|管技术|技术论证|参数.{0,4}定|出参数|定参数|写参数|(管|负责|定|出)[^，,。]{0,6}?(技术参数|参数)|有话语权|(意见|看法|建议)(很|挺|非常|比较)?(重要|关键|管用|有分量)|说话.{0,3}有分量|有分量|提意见|影响(很大|决策|选型)|专家|(负责|管|主管|主导|在做|做|参与|牵头做|在|来)(的)?(方案|设备|产品|技术|临床)?(评估|评审|论证|选型|评标|测评|试用评价)|(评估|评审|论证|选型|评标|测评)(工作|这块|这一块)?(是|由|归)?.{0,4}(负责|在管|管|来做|说了算)|(?<!现在|改由|换成)(技术|参数|评估|选型|论证)(的事情?|这一?块|那一?块|那边|这边|方面)(都)?(归|由|是)[^，,。]{1,8}?(在|来)?(管|负责)/ },
];

const ATTITUDE_PHRASES: Array<{ attitude: Attitude; phrases: RegExp }> = [
  // a complaint about a topic is their stance (对价格很有意见, 嫌交期太长, 对售后不满意); the topic is the pain point
  { attitude: 'oppose', phrases: /(?<![没无])有意见|意见(很|挺|非常|特别|比较)?大|(?<!不)嫌|抱怨|吐槽|有怨言|不(太|怎么|是很|大|很)?满意|不满/ },
  { attitude: 'oppose', phrases: /冷淡|冷冰冰|爱答不理|不搭理|不理睬|(跟|和|与)(竞品|别家|对手|友商).{0,4}(关系|走得)(好|近|很好|不错|铁)|没(什么|啥)?好感|抗拒|反感|对(竞品|别家|对手|友商).{0,4}(印象|评价)?(更好|更高|更满意|不错|很好|挺好)|更(喜欢|看好|认可)(竞品|别家|对手|友商)|不(太|怎么|是很|大|很)?(买账|待见|认同|认可|支持|同意|待见|满意|配合|看好|感兴趣|积极|上心|support)|negative|against|没(什么|啥|多大|太大)?兴趣|兴趣不大|不感冒|反对|不支持|抵触|不认可|排斥|不同意|不赞成|倾向(于)?(竞品|别家|对手|其他家|友商)|向着竞品|偏向(竞品|别家|对手)|用惯了竞品|不待见|看不上|不喜欢我们|对我们有意见|唱反调|不买账/i },
  { attitude: 'neutral', phrases: /观望|中立|没表态|不表态|无所谓|态度一般|不置可否|两边都不得罪|还在看|没什么倾向|态度不明|看情况|犹豫|拿不定|没想好|模棱两可|态度暧昧|不冷不热|不明朗|都(可以|行|一样)|没(有|什么)?态度|态度(未定|还没定)|(再|还要|还得)(考虑|想想|研究)/ },
  { attitude: 'support', phrases: /印象(不错|很好|挺好)|评价(不错|很好|挺高)|对我们.{0,4}(不错|挺好|很好|客气|热情)|支持|认可|看好|倾向(于)?我们|力挺|很满意|挺满意|挺我们|站我们|帮我们|向着我们|对我们(很|挺)?(好|友好)|(很|挺|比较|非常|特别|蛮|还算|相当)(配合|认同|热情|积极)|认同|愿意推|站在我们|support|positive|好感|觉得(我们|咱们)?的?(产品|方案|设备|东西|服务)?(不错|挺好|很好|好用|可以)|感兴趣|有兴趣|兴趣(很|挺|比较)?(大|浓)|有意向|意向(很|挺|比较)?(强|明确|大)|(很|挺|比较|非常|特别)(积极|热情|上心|期待)/i },
];

/** How the text says a person stands toward us; negations (不支持) are read before the words they contain. */
export function detectAttitude(text: string): Attitude | null {
  // "刘总不同意就过不了" says what her no would do, not that she says no
  const said = text.replace(new RegExp(GATE_REFUSAL.source, 'g'), '');
  for (const a of ATTITUDE_PHRASES) if (a.phrases.test(said)) return a.attitude;
  return null;
}

/**
 * A role that is denied or asked about is not stated: "不是刘伟拍板", "刘伟不负责采购", "拍板的不是刘伟"
 * (said of whoever follows 是), "是刘伟拍板吗", "谁负责采购还不清楚". 没 is not a denial: "王院长还没点头"
 * still says who must nod.
 */
const DENIED_BEFORE = /(不是|并不是|并非)$|(不是|并不是|并非)[^，,。；;]{1,8}$/;
/** 不 right before the role words denies them (不负责采购, 不管下单), except where refusing is the power itself (不点头, 不签, 不批). */
const NOT_BEFORE = /(并不|不)$/;
const POWER_TO_REFUSE = /^(点头|签|批|同意|放行|松口)/;
const DENIED_AFTER = /^(的|的人)?(不是|并不是|并非)/;
const QUESTION = /[吗么嘛？?]$|谁(?![也都])|哪位|哪个|是不是|能不能|会不会|有没有|可不可以/;

/** `denied` covers both; `negated` only a denial (不是他拍板), not a question (是刘伟拍板吗). */
type RoleAt = RoleMention & { index: number; denied: boolean; negated: boolean };

function clauseAround(text: string, index: number): { before: string; clause: string } {
  const start = Math.max(...[...'，,。；;！!？?\n'].map((c) => text.lastIndexOf(c, index - 1))) + 1;
  const ends = [...'，,。；;！!？?\n'].map((c) => text.indexOf(c, index)).filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) + 1 : text.length;
  return { before: text.slice(start, index), clause: text.slice(start, end) };
}

/** Every role the text mentions, earliest first, each marked when it is denied or asked about. */
function rolesIn(text: string, options: readonly string[]): RoleAt[] {
  const found: RoleAt[] = [];
  const add = (m: Omit<RoleAt, 'denied' | 'negated'>) => {
    const { before, clause } = clauseAround(text, m.index);
    const negated = DENIED_BEFORE.test(before) || (NOT_BEFORE.test(before) && !POWER_TO_REFUSE.test(m.phrase)) || DENIED_AFTER.test(text.slice(m.index + m.phrase.length));
    found.push({ ...m, negated, denied: negated || QUESTION.test(clause.replace(/[，,。；;！!\s]+$/, '')) });
  };
  for (const r of ROLE_PHRASES) {
    for (const m of text.matchAll(new RegExp(r.phrases.source, `${r.phrases.flags.replace('g', '')}g`))) {
      const label = BUYING_ROLE_LABELS[r.role];
      add({
        label: options.includes(label) ? label : null, role: r.role, phrase: m[0], index: m.index,
        ...(r.attitude ? { attitude: r.attitude } : {}), ...(r.isCoach ? { isCoach: true } : {}), ...(r.needsPerson ? { needsPerson: true } : {}),
      });
    }
  }
  // an option named outright ("他是决策者"), or a label the form used before (技术把关)
  for (const o of options) {
    const i = text.indexOf(o);
    const role = buyingRoleFromLabel(o);
    if (i >= 0 && role) add({ label: o, role, phrase: o, index: i });
  }
  // the earliest wins; at one place the first listed (不签字 is 把关者 before 签字 is 决策者)
  return found.sort((a, b) => a.index - b.index);
}

function withAttitude(r: RoleAt, text: string): RoleMention {
  const { index: _index, denied: _denied, negated: _negated, ...mention } = r;
  const attitude = mention.attitude ?? detectAttitude(text);
  return attitude ? { ...mention, attitude } : mention;
}

/** The first role the text states (not denied, not asked), mapped onto the field's options. */
export function detectRole(text: string, options: readonly string[]): RoleMention | null {
  const first = rolesIn(text, options)[0];
  return first && !first.denied ? withAttitude(first, text) : null;
}

/** A role the text denies of someone ("拍板的不是刘伟"), which the next clause may give to another ("是王建国"). */
function deniedRole(text: string, options: readonly string[]): RoleMention | null {
  const first = rolesIn(text, options)[0];
  return first?.denied ? withAttitude(first, text) : null;
}

const TITLE_WORDS = /(采购|运营|财务|品类|设备科|设备|采购中心|药剂科|药剂|骨科|检验科|影像科|信息科|护理部|医务处|门店运营|门店|销售|市场|技术|行政|工程)(经理|主管|总监|专员|主任|副主任|负责人|科长|护士长|处长|部长)|(?:院长秘书|院长助理|副院长|院长|书记|副书记|总经理|副总|总监|店长|区域经理|护士长|科主任|董事长|主任|科长|处长|部长|主管|经理)/g;

export interface PersonMention {
  /** How the rep referred to them: '刘总', '刘伟', '采购经理'. */
  mention: string;
  surname?: string;
  /** A full name the rep said, whether or not a contact has it (新来的王磊). */
  fullName?: string;
  /** 总 in 刘总. */
  honorific?: string;
  titleWords: string[];
  /** Contacts it may be, best first. */
  candidates: ContactRef[];
  /**
   * How the candidates were found. Only `name` (the exact name) and a single `surname_title`
   * or `title` fit may be recorded without asking; a sound-alike or a surname alone is asked about.
   */
  match: 'name' | 'sounds_like' | 'surname_title' | 'surname' | 'title' | 'none';
  /** Where in the text it was said. */
  index: number;
}

function titleWordsIn(text: string): string[] {
  return [...text.matchAll(TITLE_WORDS)].map((m) => m[0]);
}

/** The post said is the contact's (设备科主任, 院长 of a 副院长) — not a word inside another post (院长 of a 院长秘书). */
function matchesTitle(c: ContactRef, words: readonly string[]): boolean {
  const hay = `${c.department ?? ''}${c.title ?? ''}`;
  return words.some((w) => titleHolds(hay, w) || (c.title !== null && c.title.length >= 2 && w.includes(c.title)));
}

/** True when the mention may be written to its one candidate without asking. */
export function isSureMatch(p: PersonMention): boolean {
  return p.candidates.length === 1 && (p.match === 'name' || p.match === 'surname_title' || p.match === 'title');
}

/** Contacts a said full name may mean: the exact name, else homophones and one-character typos. */
function byFullName(name: string, contacts: readonly ContactRef[]): { candidates: ContactRef[]; match: PersonMention['match'] } {
  const exact = contacts.filter((c) => c.name === name);
  if (exact.length > 0) return { candidates: exact, match: 'name' };
  const alike = contacts.filter((c) => soundsAlike(c.name, name) || oneCharOff(c.name, name));
  return alike.length > 0 ? { candidates: alike, match: 'sounds_like' } : { candidates: [], match: 'none' };
}

/** Every person the text talks about, in the order said, each resolved against the customer's contacts. */
export function detectPeople(text: string, contacts: readonly ContactRef[]): PersonMention[] {
  const titleWords = titleWordsIn(text);
  const found: PersonMention[] = [];
  const taken = (i: number, len: number) => found.some((f) => i < f.index + f.mention.length && f.index < i + len);
  const add = (p: PersonMention) => { if (!taken(p.index, p.mention.length)) found.push(p); };
  // contacts' own names first (a name outside the surname list, a 3-character name after a title)
  for (const c of contacts) {
    if (c.name.length < 2) continue;
    for (let i = text.indexOf(c.name); i >= 0; i = text.indexOf(c.name, i + 1)) {
      add({ mention: c.name, fullName: c.name, surname: c.name[0], titleWords, candidates: contacts.filter((x) => x.name === c.name), match: 'name', index: i });
    }
  }
  for (const h of honorificsIn(text)) {
    const sameSurname = contacts.filter((c) => c.name.startsWith(h.surname));
    const fit = sameSurname.filter((c) => titleFits(c.title, h.title));
    const polite = isPoliteOnly(h.title);
    const pool = fit.length > 0 ? fit : sameSurname;
    // 采购经理刘总: the title said beside the surname narrows it further
    const narrowed = titleWords.length > 0 ? pool.filter((c) => matchesTitle(c, titleWords)) : [];
    const candidates = narrowed.length > 0 ? narrowed : pool;
    // 周主管 of the one 周 on file (a 采购专员): sure, unless the post said is another contact's (张院长 when 张 is a 主任)
    const onlyOne = sameSurname.length === 1 && !contacts.some((c) => !c.name.startsWith(h.surname) && titleFits(c.title, h.title));
    const fits = fit.length > 0 || narrowed.length > 0 || onlyOne;
    // 老王 / 陈姐 / 孙老师 say no post: the one contact of that surname, else asked
    const sure = polite ? sameSurname.length === 1 : fits;
    const match: PersonMention['match'] = sure ? 'surname_title' : candidates.length > 0 ? 'surname' : 'none';
    add({ mention: h.mention, surname: h.surname, honorific: h.title, titleWords, candidates, match, index: h.index });
  }
  for (const n of namesIn(text)) {
    const r = byFullName(n.name, contacts);
    // a stated name no contact has: contacts holding the title said beside it may be meant, but are only offered
    const byTitle = r.match === 'none' && titleWords.length > 0 ? contacts.filter((c) => matchesTitle(c, titleWords)) : [];
    add({ mention: n.name, fullName: n.name, surname: n.name[0], titleWords, candidates: r.candidates.length ? r.candidates : byTitle, match: r.match, index: n.index });
  }
  if (found.length === 0 && titleWords.length > 0) {
    const w = titleWords[0];
    const candidates = contacts.filter((c) => matchesTitle(c, [w]));
    found.push({ mention: w, titleWords, candidates, match: candidates.length > 0 ? 'title' : 'none', index: text.indexOf(w) });
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Who the text talks about, among the customer's contacts: by full name
 * (sound-alikes and typos offered, not taken), else by surname + title,
 * else by title alone. Null when the text names nobody.
 */
export function detectPerson(text: string, contacts: readonly ContactRef[]): PersonMention | null {
  return detectPeople(text, contacts)[0] ?? null;
}

/** Picks one of several candidates from an answer: a name, a department/title word, or 1/2/第一个. */
export function pickContact(answer: string, candidates: readonly ContactRef[]): ContactRef | null {
  const byName = candidates.filter((c) => answer.includes(c.name));
  if (byName.length === 1) return byName[0];
  const byTitle = candidates.filter((c) => (c.title && answer.includes(c.title)) || (c.department && answer.includes(c.department)));
  if (byTitle.length === 1) return byTitle[0];
  const idx = ordinalIn(answer);
  return idx !== null && idx >= 1 && idx <= candidates.length ? candidates[idx - 1] : null;
}

/** 1 for '1', '第一个', '一', '前者'; 2 for '后者' when there are two. */
export function ordinalIn(answer: string): number | null {
  const t = answer.trim();
  const m = /^第?([1-9一二三四五六七八九])(个|位|家|张|项)?[。.!！]?$/.exec(t);
  if (m) return '一二三四五六七八九'.includes(m[1]) ? '一二三四五六七八九'.indexOf(m[1]) + 1 : Number(m[1]);
  if (/前者|前面那个|第一个/.test(t)) return 1;
  if (/后者|后面那个/.test(t)) return 2;
  return null;
}

export interface ChainStatement {
  role: RoleMention | null;
  attitude: Attitude | null;
  /** Who it is said of: the person in the same clause nearest before the role words, else after them, else the one a 他/她 refers to. */
  person: PersonMention | null;
}

const CLAUSES = /[，,。；;！!？?\n]+/;
/** Obstruction says who blocks; without a person ("卡在药事会") it is an obstacle, not a role. */
export const OBSTRUCTION = /卡在|卡着|卡住|卡(预算|钱|付款|审批|经费|流程)|不松口|不放行|那关|这关|一关|把着|拦着|挡着|压着|拖着|不(付款|给钱|放款|批)|经过|不签字/;
/** True when the role words say nothing without a person they are said of: an obstruction, a weight, a daily use. */
export function needsPerson(role: RoleMention): boolean {
  return !!role.needsPerson || OBSTRUCTION.test(role.phrase);
}

/**
 * Every role or attitude the text states of someone, clause by clause
 * ("刘伟调岗了，王磊是拍板的" → 王磊 决策者; "孙主任反对用我们的产品" → 孙主任 反对).
 */
export function chainStatements(text: string, contacts: readonly ContactRef[], options: readonly string[]): ChainStatement[] {
  const out: ChainStatement[] = [];
  let last: PersonMention | null = null;
  let denied: RoleMention | null = null;
  let unowned: RoleMention | null = null;
  for (const clause of text.split(CLAUSES).map((c) => c.trim()).filter(Boolean)) {
    const people = detectPeople(clause, contacts);
    // "拍板的不是刘伟，是王建国" / "不是张杰拍板，而是王院长": the denied role belongs to the one named next;
    // "设备主要是护士在用，陈护士长带头": a use said of a group belongs to the one named next
    const role: RoleMention | null = detectRole(clause, options) ?? (denied && INSTEAD.test(clause) && people.length > 0 ? denied : null)
      ?? (unowned && people.length > 0 ? unowned : null);
    denied = deniedRole(clause, options);
    unowned = null;
    const attitude = role?.attitude ?? detectAttitude(clause);
    const pronoun = /(?<!其)[他她](?!们)/.test(clause) ? last : null;
    if (role) {
      const at = clause.indexOf(role.phrase);
      // "刘伟说拍板的是王院长": who says it is not whom it is said of
      const subjects = people.filter((p) => !speaks(clause, p, at));
      const pool = subjects.length > 0 ? subjects : people;
      const before = pool.filter((p) => p.index < at);
      const person = before[before.length - 1] ?? pool.find((p) => p.index > at) ?? pronoun;
      if (person || !needsPerson(role)) out.push({ role, attitude, person });
      else unowned = role;
    } else if (attitude && (people[0] ?? pronoun)) {
      const person = people.find((p) => !speaks(clause, p, -1)) ?? people[0] ?? pronoun;
      // one stance per person: "用惯了竞品，对我们有意见" says it twice
      if (!out.some((s) => s.person?.mention === person!.mention && s.attitude === attitude)) out.push({ role: null, attitude, person });
    }
    if (people.length > 0) last = people[people.length - 1];
  }
  return out;
}

/** What follows a denial and names the right one: 是王建国 / 而是王院长 / 其实是他. */
const INSTEAD = /^(而|其实|实际上|应该|真正)?是/;
/** A person reporting what someone else is: 刘伟说 / 李娜告诉我 / 周芳透露 (but 刘伟说了算 is his own role). */
const REPORTING_VERB = /^(也|还|都|私下|偷偷|跟我|对我|和我|给我)*(说|讲|告诉|透露|提到|反映|表示)/;

function speaks(clause: string, p: PersonMention, roleAt: number): boolean {
  const end = p.index + p.mention.length;
  return end !== roleAt && REPORTING_VERB.test(clause.slice(end));
}

export type RoleStatement = ChainStatement & { role: RoleMention };

export interface RoleDenial {
  /** The role said not to be theirs. */
  role: RoleMention;
  /** Whom it was denied of; null for "不是他拍板" with no one named before. */
  person: PersonMention | null;
}

/**
 * "拍板的不是刘伟" / "不是他拍板" with nobody named instead: the role someone does not have, so the
 * caller asks who has it. Null when the text gives the role to another ("…，是王建国") or only asks
 * ("是刘伟拍板吗", "谁负责采购还不清楚": the rep does not know either).
 */
export function roleDenial(text: string, contacts: readonly ContactRef[], options: readonly string[]): RoleDenial | null {
  const denied = rolesIn(text, options).find((r) => r.negated);
  if (!denied || chainStatements(text, contacts, options).some((s) => s.role)) return null;
  const { clause } = clauseAround(text, denied.index);
  const person = detectPeople(clause, contacts).find((p) => !speaks(clause, p, -1)) ?? null;
  return { role: withAttitude(denied, text), person };
}

/** The role statements among chainStatements. */
export function roleStatements(text: string, contacts: readonly ContactRef[], options: readonly string[]): RoleStatement[] {
  return chainStatements(text, contacts, options).filter((s): s is RoleStatement => s.role !== null);
}

/** True when the text says anything of a role, even denied or asked ("不是他拍板", "是刘伟拍板吗"): the rules' to read. */
export function mentionsRole(text: string): boolean {
  return rolesIn(text, []).some((r) => !r.needsPerson);
}
