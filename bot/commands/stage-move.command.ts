/**
 * "华联的单子进入商务条款磋商了": moves the rep's open opportunity of that
 * customer to the (sub-)stage named, through the same service as the app
 * (core/resources/opportunity-stages), so the stage history, the dwell times
 * and the 法务审核-skip alert get the same input. A skip that needs a reason
 * asks for it; an unfinished checklist is read back with a link to tick it.
 */
import { AppError, isAppError } from '../../core/errors.js';
import { listOpportunities, type Opportunity } from '../../core/resources/opportunities.js';
import { moveOpportunityStage } from '../../core/resources/opportunity-stages.js';
import { loadPipeline } from '../../core/resources/pipeline-view.js';
import { detectStageMove, namedPositions, type NamedPosition } from '../../core/understanding/intents.js';
import { guarded, say, setPending, type Turn } from '../engine/turn.js';

// a quick look before any database read: the words of a move and nothing else
const MAY_BE_A_MOVE = /(进入|进到|推进到|推到|走到|转入|到了|进了|到).{2,20}$/;

const dealUrl = (t: Turn, id: number) => `${t.deps.config.publicUrl}/deals/${id}`;

/** True when the text was a stage move (answered, whatever the outcome). */
export async function moveDealByText(t: Turn, text: string): Promise<boolean> {
  if (!MAY_BE_A_MOVE.test(text)) return false;
  const open = (await listOpportunities(t.db, t.actor, { status: 'open', limit: 200, order: 'desc', sort: 'id' })).items;
  if (open.length === 0) return false;
  const positions = namedPositions(await loadPipeline(t.db, open[0].pipelineId));
  const mention = detectStageMove(text, positions);
  if (!mention) return false;
  const matches = open.filter((o) => o.customerName.includes(mention.customerText) || o.name.includes(mention.customerText));
  if (matches.length === 0) {
    say(t, `没找到「${mention.customerText}」进行中的商机。说客户名里的字就行，比如“华联的单子进入商务条款磋商了”。`);
    return true;
  }
  if (matches.length > 1) {
    setPending(t, { kind: 'which_deal', options: matches.slice(0, 9).map((o) => ({ id: o.id, name: `${o.customerName}·${o.name}` })), target: mention.target });
    say(t, `「${mention.customerText}」有${matches.length}个进行中的商机，是哪一个？`, ...matches.slice(0, 9).map((o, i) => `${i + 1}. ${o.customerName}·${o.name}（${o.subStage?.name ?? o.stage.name}）`));
    return true;
  }
  await moveDeal(t, matches[0], mention.target);
  return true;
}

/** Moves `deal` to `target`; a refusal is said in words, a skip without a reason asks for one. */
export async function moveDeal(t: Turn, deal: Pick<Opportunity, 'id' | 'name' | 'customerName'>, target: NamedPosition, reason?: string): Promise<void> {
  const moved = await guarded(t, () => moveOpportunityStage(t.db, t.actor, deal.id, {
    toStage: target.stageKey, toSubStage: target.subStageKey, ...(reason ? { reason } : {}),
  }));
  if (!isAppError(moved)) {
    setPending(t, null);
    const now = moved.subStage ? `${moved.stage.name}·${moved.subStage.name}` : moved.stage.name;
    const todo = moved.checklistProgress.items.filter((i) => i.required && !i.done).map((i) => i.label);
    say(t, `已把「${deal.customerName}·${deal.name}」推进到「${now}」。`,
      ...(todo.length ? [`这一阶段要完成：${todo.join('、')}。在应用里勾选：${dealUrl(t, deal.id)}`] : []));
    return;
  }
  sayRefusal(t, moved, deal, target);
}

function sayRefusal(t: Turn, e: AppError, deal: Pick<Opportunity, 'id' | 'name' | 'customerName'>, target: NamedPosition): void {
  if (e.code === 'STAGE_SKIP_REASON_REQUIRED') {
    setPending(t, { kind: 'deal_skip_reason', opportunityId: deal.id, name: `${deal.customerName}·${deal.name}`, target });
    say(t, `${e.message}请说一下为什么跳过（比如“客户用我们的标准合同，不走法务”）。回复“取消”就不推进。`);
    return;
  }
  setPending(t, null);
  say(t, `「${deal.customerName}·${deal.name}」没有推进：${e.message}`,
    ...(e.code === 'STAGE_CHECKLIST_INCOMPLETE' ? [`在应用里勾选完成后再推进：${dealUrl(t, deal.id)}`] : []));
}
