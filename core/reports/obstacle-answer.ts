/**
 * Whether an answer to 今日关键障碍 names a blocker at all. 「没问题」「无」
 * 「暂无」「一切顺利」 say nothing the weekly obstacle heatmap could cluster,
 * so the app and the bot both ask again for something concrete. Pure.
 *
 *   isContentFreeObstacle('没问题');              // true
 *   isContentFreeObstacle('设备科说耗材编码没下来'); // false
 */
const FILLER = /[\s，。,.!！?？、~～…；;:：'"“”‘’（）()\-—]/g;
const CONTENT_FREE = new Set([
  '无', '没', '没有', '没了', '暂无', '暂时没有', '暂时无', '目前没有', '目前无', '没啥', '没什么', '没什么问题', '没有问题',
  '没问题', '无问题', '无障碍', '没有障碍', '没障碍', '暂无障碍', '一切顺利', '一切正常', '正常', '顺利', '都好', '挺好',
  '还好', '还行', '好', 'ok', 'okay', 'no', 'none', 'na', 'n/a', '同上', '不知道', '不清楚', '略', '嗯', '哦', '好的', '1', '0',
]);

export function isContentFreeObstacle(text: string): boolean {
  const t = text.toLowerCase().replace(FILLER, '');
  if (t.length === 0) return true;
  if (CONTENT_FREE.has(t)) return true;
  // 「没问题没问题」「无无」: the same content-free word repeated
  for (const w of CONTENT_FREE) if (w.length > 0 && t.replaceAll(w, '') === '') return true;
  return false;
}

/** What both the app and the bot say when the answer names no blocker. */
export const OBSTACLE_PROMPT = '「今日关键障碍」要写出具体卡在哪里：哪个环节、卡在谁、缺什么（例如：设备科说耗材编码还没下来，入库卡住）。「没问题」「无」这类回答不算。';
