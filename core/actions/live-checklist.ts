/**
 * The visit page's live checklist (issue #25): one line per rule of the
 * action, evaluated on the draft as it is on the phone, so every gate the
 * submission will meet is on screen before it bites — done once satisfied,
 * 'review' when only the evidence checks' warnings remain (the report would
 * be accepted and go to the supervisor's review), 'todo' with what is still
 * missing. The rule engine decides; this only words the lines.
 *
 *   liveChecklist(checklistOf(facts, rules))   // [{ label: '照片 ≥ 2（含门头照、合影）', state: 'todo', notes: ['1张合影'] }, …]
 */
import { z } from 'zod';
import type { ChecklistItem } from './checklist.js';
import { gapsFromChecklist } from './draft-gaps.js';

export const LiveCheckItemSchema = z.object({
  kind: z.string(),
  label: z.string(),
  state: z.enum(['done', 'review', 'todo']),
  /** 'todo': what is still missing, by short name; 'review': what the checks found, in the engine's words. */
  notes: z.array(z.string()),
  /** The failures' targets ('checkIn', 'attachments:合影', 'fields.nextContactAt' …): where the page shows them. */
  targets: z.array(z.string()),
});
export type LiveCheckItem = z.infer<typeof LiveCheckItemSchema>;

export function liveChecklist(items: readonly ChecklistItem[]): LiveCheckItem[] {
  return items.map((i) => {
    const errors = i.missing.filter((f) => f.severity === 'error');
    const notes = errors.length
      ? gapsFromChecklist([{ ...i, missing: errors }]).map((g) => g.name)
      : i.missing.map((f) => f.message);
    return {
      kind: i.kind, label: i.label,
      state: errors.length ? 'todo' : i.missing.length ? 'review' : 'done',
      notes: [...new Set(notes)],
      targets: [...new Set(i.missing.map((f) => f.target))],
    };
  });
}
