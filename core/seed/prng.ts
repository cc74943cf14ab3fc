/**
 * Deterministic PRNG (mulberry32): the same seed, the same sequence, so every
 * fresh demo database, generated benchmark organisation and test fixture looks
 * the same every run.
 *
 *   const rand = prng(20261127);   rand() // in [0, 1)
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
