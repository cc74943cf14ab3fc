/**
 * People as reps name them: a full name (张杰, perhaps typed 张洁), a surname
 * with a title (刘总, 王主任), or a name newly heard ("新来的叫王磊"). Matching
 * tolerates homophones and one-character typos but only ever returns
 * candidates — the caller asks before writing anything to a person.
 *
 *   namesIn('张洁是拍板的人')                 // [{ name: '张洁', index: 0 }]
 *   soundsAlike('张杰', '张洁')                // true (zhang jie)
 *   honorificsIn('流程卡在刘总那里')           // [{ surname: '刘', title: '总', mention: '刘总', index: 4 }]
 */
import { pinyin } from 'pinyin-pro';
import { isDictionaryWord } from '../flow/segmenter.js';

// Common surnames; characters that are mostly function words (和, 时, 向, 对 …) are left out so "和经理说"
// is not read as a Mr 和. A surname outside the set is still matched by the contact's full name.
export const SURNAMES = new Set([...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农卓古吉缪简项芦麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝']);

/** Titles said after a surname (刘总, 王主任), longest first so 副院长 wins over 院长. */
export const HONORIFICS = ['护士长', '副院长', '副主任', '总经理', '总监', '经理', '主任', '科长', '处长', '部长', '主管', '院长', '老师',
  '老板', '董事长', '医生', '大夫', '店长', '助理', '秘书', '专员', '教授', '书记', '局长', '总', '董', '工', '姐', '哥', '师傅'];

/** Honorifics that say nothing about the post (刘姐 could hold any title). */
const POLITE_ONLY = new Set(['老师', '姐', '哥', '师傅', '老板', '老', '小']);

/** Words that begin with a surname character but are not people. */
const NOT_NAMES = new Set(`马上 高兴 高价 高端 常规 常用 方面 方案 方便 方向 于是 安排 安装 万一 文件 文档 金额 程序 任务 周末 周一 周二 周三 周四 周五
周六 周日 周边 关于 关键 关系 单位 单子 华联 齐全 钱款 宁可 龙头 包括 毛利 项目 石膏 白天 黄金 江湖 温度 康复 成本 成交 陈列 林业 田间
易耗 史上 贺卡 顾客 顾问 梁上 谢谢 宋体 唐突 许多 韩国 曹操 彭湃 曾经 董事 袁大 潘多 余额 余下 杜绝 叶片 苏宁 魏晋 吕梁 丁点 任何 沈阳
姚明 卢比 姜汁 崔氏 钟点 谭记 陆续 汪洋 范围 金融 石家 廖化 贾府 夏天 夏季 付款 付了 白色 邹家 孟子 熊猫 秦皇 邱比 江苏 尹氏 薛家 闫家
段落 雷同 侯车 龙华 陶瓷 黎明 毛病 郝家 龚家 邵家 严格 严重 武汉 戴上 莫名 孔子 汤水 常常 温州 施工 文化 牛奶 葛家 邢台 安全 齐鲁 易于
乔家 伍家 庞大 颜色 倪家 庄家 聂家 章程 鲁家 岳阳 翟家 殷勤 申请 申报 欧洲 耿直 关门 关注 兰州 焦点 俞家 左右 柳州 甘肃 祝福 包装 宁波
尚未 符合 舒服 阮家 柯家 纪律 纪要 梅花 童年 凌晨 毕竟 单独 季度 裴家 霍家 涂料 苗头 谷歌 盛大 曲线 翁家 冉冉 骆驼 蓝色 游戏 辛苦 靳家
柴油 蒙古 鲍鱼 华为 华东 华南 华北 华西 喻家 祁连 蒲公 房子 房间 滕家 屈服 饶了 牟利 艾滋 尤其 阳光 穆斯 农村 农业 卓越 古代 吉林 缪斯
简单 简直 项目 芦苇 麦当 褚家 娄底 窦家 戚家 岑家 景区 宫里 费用 卜卦 冷链 冷淡 晏家 席位 卫生 米饭 柏林 宗旨 瞿家 桂林 佟家 臧家 闵行
苟且 邬家 卞家 姬家 仇恨 栾家 隋朝 刁难 沙发 荣誉 巫师 寇家 桑拿 郎中 甄别 丛林 仲裁 虞家 敖家 巩固 佘家 池子 麻烦 苑家 迟到 迟迟 邝家
张罗 王府 李子 刘海 陈述 杨树 黄色 赵家 吴家 周期 周到 周转 徐徐 孙子 马路 朱红 胡说 郭家 何时 何况 高于 林子 罗列 郑重 梁子 谢绝
明天 今天 后天 下周 上周 这周 本周 下个 上个 一个 两个 一直 已经 还没 没有 不是 就是 可能 应该 需要 希望 金属 温和 安静 程度 关口 关于`.split(/\s+/));

/** What may follow a name: the verb or particle of the sentence it is the subject or object of. */
const AFTER_NAME = /^(?:拍|签|审|先|牵头|具体|下周|下个|下月|到岗|上任|天天|每天|平时|经常|主要|一直|日常|上周|上个|上月|昨天|前天|今天|本周|这周|上午|下午|早上|刚才|是|说|的|那|这|在|也|还|都|就|和|跟|对|负|管|调|离|退|接|换|顶|替|继|补|代|取|已|刚|去|升|被|从|现|目|不|很|挺|比|最|要|卡|当|做|来|走|辞|之|手|把|一|了|，|,|。|、|；|;|！|!|？|\?|\s|$|（|\()/;

export interface NameInText {
  name: string;
  index: number;
}

const HAN = /[\u4e00-\u9fa5]/;
/** What may come right before a name inside a sentence: a verb or particle, or the end of a title (采购经理张伟). */
const BEFORE_NAME = /[得要需靠看是的叫和跟与同找给问替了成来位人说让被由向归对把在那这管理任长监员总师生士科部室办处记书授计有个及过到见约请拜访等经于听讲露诉映示后前才就都边、，,。；;：:\s]/;
/** Second characters that make a surname character a word, not a name: 任了, 高的. */
const NOT_GIVEN = /[了的是在着过吗呢吧啊也都就不没很还又再才和与跟对把被让给向从到说要会能可这那个些么们上下里外前后中]/;

/** A newcomer's post said just before: 新来的副院长, 刚调来的骨科主任, 新上任的采购经理. */
const NEWCOMER_POST = new RegExp(`(新来|刚来|新上任|刚上任|新调来|刚调来|新任|新到|新换|刚换)的?[^，,。；;]{0,8}(${HONORIFICS.filter((h) => h.length > 1 && !POLITE_ONLY.has(h)).join('|')}|工程师|负责人)$`);

/**
 * Full names a text states: a known surname and one or two characters, ended
 * by what follows a name. Honorifics (刘总) and common words (马上, 方案) are not names.
 */
export function namesIn(text: string): NameInText[] {
  const out: NameInText[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!SURNAMES.has(text[i])) continue;
    if (HONORIFICS.some((h) => text.startsWith(h, i + 1))) continue;
    if (i > 0 && HAN.test(text[i - 1]) && !BEFORE_NAME.test(text[i - 1])) continue;
    if (NOT_GIVEN.test(text[i + 1] ?? '')) continue;
    // 主任钱进: the 任 ends a title, the name starts after it
    if (HONORIFICS.some((h) => h.length > 1 && i - h.length + 1 >= 0 && text.slice(i - h.length + 1, i + 1) === h)) continue;
    const before = out.length;
    for (const len of [2, 3]) {
      const name = text.slice(i, i + len);
      if (name.length < len || ![...name].every((c) => HAN.test(c))) break;
      if (NOT_NAMES.has(name.slice(0, 2)) || HONORIFICS.some((h) => name.endsWith(h))) break;
      const rest = text.slice(i + len);
      // 王磊接替 / 王建国是: the shortest reading whose next character can follow a name
      if (AFTER_NAME.test(rest)) {
        out.push({ name, index: i });
        i += len - 1;
        break;
      }
    }
    // 新来的副院长郑涛…: right after a newcomer's post comes a name, whatever verb follows it
    const name = text.slice(i, i + 2);
    if (out.length === before && NEWCOMER_POST.test(text.slice(0, i)) && HAN.test(name[1] ?? '') && !NOT_NAMES.has(name)) {
      out.push({ name, index: i });
      i += 1;
    }
  }
  return out;
}

export interface HonorificInText {
  surname: string;
  title: string;
  mention: string;
  index: number;
}

/** 刘总, 王主任, 陈老师 — a surname followed by a title. */
export function honorificsIn(text: string): HonorificInText[] {
  const out: HonorificInText[] = [];
  for (let i = 0; i < text.length - 1; i++) {
    if (!SURNAMES.has(text[i])) continue;
    const title = HONORIFICS.find((h) => text.startsWith(h, i + 1));
    if (!title) continue;
    // 新任院长 is not a Mr 任 (新任 is a word); 项目王院长 is 王院长 (目王 is none)
    if (i > 0 && HAN.test(text[i - 1]) && !BEFORE_NAME.test(text[i - 1]) && isDictionaryWord(text.slice(i - 1, i + 1))) continue;
    // 刘总监 is 刘 + 总监; 张工程 is not 张工
    if (title === '工' && /^程/.test(text.slice(i + 2))) continue;
    out.push({ surname: text[i], title, mention: text[i] + title, index: i });
    i += title.length;
  }
  return [...out, ...familiarIn(text)].sort((a, b) => a.index - b.index);
}

/** 老/小 + a surname character that is a word of its own (小于 5, 赚点小钱), not a person. */
const NOT_FAMILIAR = new Set(['小米', '小康', '小费', '小于', '老于', '小单', '小钱', '老成', '小白', '老白', '小金', '小方', '老方']);

/**
 * 老王, 小周: a surname said the familiar way, as a polite title before it. Not when the characters belong to a word:
 * 小于 / 小钱 themselves, 老黄历 / 小金库 / 小王子 (the surname character starts one), 养老金 / 大小王 (the 老 or 小 ends one).
 */
function familiarIn(text: string): HonorificInText[] {
  const out: HonorificInText[] = [];
  for (const m of text.matchAll(/[老小]/g)) {
    const i = m.index;
    const surname = text[i + 1] ?? '';
    if (!SURNAMES.has(surname) || NOT_FAMILIAR.has(text.slice(i, i + 2))) continue;
    if (HAN.test(text[i + 2] ?? '') && isDictionaryWord(text.slice(i + 1, i + 3))) continue;
    if (i > 0 && HAN.test(text[i - 1]) && isDictionaryWord(text.slice(i - 1, i + 1))) continue;
    if (HONORIFICS.some((h) => text.startsWith(h, i + 2))) continue;
    out.push({ surname, title: m[0], mention: text.slice(i, i + 2), index: i });
  }
  return out;
}

const sound = (s: string) => pinyin(s, { toneType: 'none', type: 'array' }).join(' ');

/** Same syllables, tones aside: 张杰 / 张洁 / 章杰. */
export function soundsAlike(a: string, b: string): boolean {
  return a.length === b.length && sound(a) === sound(b);
}

/** One character off, surname kept: 张伟 / 张炜 typed in a hurry. */
export function oneCharOff(a: string, b: string): boolean {
  if (a.length !== b.length || a[0] !== b[0] || a.length < 2) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff === 1 && a.length >= 3;
}

/**
 * Heads of a post that people use for one another: a 副院长 is called 院长 to his face and may be filed as either;
 * a hospital's 科长 is its department's 主任. A title holds a head when it ends with it (院长秘书 is a secretary,
 * not a 院长).
 */
const SAME_POST: ReadonlyArray<readonly string[]> = [['院长', '副院长'], ['主任', '副主任', '科长', '科主任', '副科长']];

/** True when the title, as filed, ends with the post said or one people use for it. */
export function titleHolds(title: string, post: string): boolean {
  const posts = SAME_POST.find((g) => g.includes(post)) ?? [post];
  return posts.some((p) => title.endsWith(p));
}

/** True when a title holds the honorific: 刘总 fits 总经理 / 副总 / 总监; 王主任 fits 设备科主任; 张科长 fits 设备科主任. */
export function titleFits(title: string | null, honorific: string): boolean {
  if (POLITE_ONLY.has(honorific)) return true;
  if (!title) return false;
  if (honorific === '总') return /总/.test(title);
  if (honorific === '董') return /董事/.test(title);
  if (honorific === '工') return /工程师|技术/.test(title);
  if (honorific === '医生' || honorific === '大夫') return /医|主任|科/.test(title);
  return titleHolds(title, honorific) || (title.includes(honorific) && !SAME_POST.some((g) => g.includes(honorific)));
}

export function isPoliteOnly(honorific: string): boolean {
  return POLITE_ONLY.has(honorific);
}
