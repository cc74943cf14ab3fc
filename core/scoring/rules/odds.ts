import { z } from 'zod';

/**
 * A signal's effect as an odds multiplier (× 1.23 = the odds of winning rise 23 %):
 * effects combine by adding their logarithms, so they stack and the probability stays in 0–1.
 */
export const Odds = z.number().min(0.05, '倍数应在0.05–20之间').max(20, '倍数应在0.05–20之间').meta({ title: '赢单几率乘以', unit: '倍', decimals: 2 });
