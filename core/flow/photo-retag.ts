/**
 * A photo's tag guessed again after capture (issue #25): the visit page tags
 * each new photo with the next tag the action still needs (门头照, then 合影),
 * so a rep who shot out of that order — or pressed 拍门头照 twice — ends up
 * with two of one tag and none of another. When a required tag has no photo
 * while another tag has more than it needs (or a photo has no tag at all),
 * the photo most likely to be the missing one is offered for it,
 * with the reason; the rep takes it with one tap. Which photo: the shooting
 * order the action lists (the door on arrival, the group photo later) against
 * the server's EXIF capture times, else the order they were added. Pure.
 *
 *   retagSuggestions([{ id: 1, tags: ['门头照'], capturedAt: t0 }, { id: 2, tags: ['门头照'], capturedAt: t1 }], ['门头照', '合影'])
 *   // [{ attachmentId: 2, from: '门头照', to: '合影', reason: '门头照有2张、合影还没有；这张拍得更晚（10:32），更像合影' }]
 */
import { shanghaiClock } from './time.js';

export interface CapturedPhoto {
  id: number;
  tags: readonly string[];
  /** EXIF capture time as the server read it; null when the file carried none. */
  capturedAt: Date | null;
}

export interface RetagSuggestion {
  attachmentId: number;
  /** Its tag now, or null for a photo with none of the action's tags. */
  from: string | null;
  to: string;
  reason: string;
}

/** `photos` in the order they were added; `requiredTags` in the order the action lists them (its shooting order). */
export function retagSuggestions(photos: readonly CapturedPhoto[], requiredTags: readonly string[]): RetagSuggestion[] {
  // a photo tagged on purpose with a tag the action does not require (陈列照) is left alone; one with no tag is a candidate
  const holders = new Map<string | null, CapturedPhoto[]>();
  for (const p of photos) {
    const tag = p.tags.length === 0 ? null : p.tags.find((t) => requiredTags.includes(t));
    if (tag !== undefined) holders.set(tag, [...(holders.get(tag) ?? []), p]);
  }
  const out: RetagSuggestion[] = [];
  for (const [missingAt, missing] of requiredTags.entries()) {
    if (holders.get(missing)?.length) continue;
    const donor = donorFor(holders, requiredTags, missingAt);
    if (!donor) continue;
    const list = holders.get(donor.tag)!;
    holders.set(donor.tag, list.filter((p) => p !== donor.photo));
    const have = donor.tag ? `${donor.tag}有${list.length}张、${missing}还没有` : `这张没有标记、${missing}还没有`;
    out.push({ attachmentId: donor.photo.id, from: donor.tag, to: missing, reason: `${have}；${donor.why}，更像${missing}` });
  }
  return out;
}

/** The photo to offer for the tag at `missingAt`: an untagged one first, else the surplus of a required tag nearest in order. */
function donorFor(
  holders: Map<string | null, CapturedPhoto[]>, requiredTags: readonly string[], missingAt: number,
): { tag: string | null; photo: CapturedPhoto; why: string } | null {
  const untagged = holders.get(null) ?? [];
  if (untagged.length) return { tag: null, photo: untagged[0], why: '按拍摄顺序' };
  const surplus = requiredTags
    .map((tag, at) => ({ tag, at, list: holders.get(tag) ?? [] }))
    .filter((d) => d.list.length > 1)
    .sort((a, b) => Math.abs(a.at - missingAt) - Math.abs(b.at - missingAt));
  const d = surplus[0];
  if (!d) return null;
  // shot after the donor's tag in the usual order → its latest photo; before → its earliest
  const later = missingAt > d.at;
  const timed = d.list.every((p) => p.capturedAt);
  const ordered = timed ? [...d.list].sort((a, b) => a.capturedAt!.getTime() - b.capturedAt!.getTime()) : d.list;
  const photo = later ? ordered[ordered.length - 1] : ordered[0];
  const when = timed ? `（${shanghaiClock(photo.capturedAt!)}拍）` : '';
  const why = `${timed ? '这张拍得' : '这张加得'}${later ? '更晚' : '更早'}${when}`;
  return { tag: d.tag, photo, why };
}

/**
 * The tags photos added now most likely carry, in the order given: the required tags no photo has yet,
 * in the action's shooting order (门头照, then 合影); null once those are used up. What the visit page's
 * photo button offers next, for photos that arrive without a tag (sent to the bot before the visit).
 */
export function nextPhotoTags(count: number, requiredTags: readonly string[], shotTags: readonly string[]): Array<string | null> {
  const missing = requiredTags.filter((t) => !shotTags.includes(t));
  return Array.from({ length: count }, (_, i) => missing[i] ?? null);
}
