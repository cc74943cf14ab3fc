/**
 * The 64-bit perceptual hash of a photo (DCT pHash by sharp-phash: the low
 * frequencies of a 32×32 greyscale copy, robust to re-encoding, resizing and
 * small crops) as a signed bigint for PostgreSQL, and its split into four
 * 16-bit bands for the duplicate index (duplicate-index.ts).
 *
 *   const h = await perceptualHash(buffer, options);  // -3819232203512041215n
 *   hammingDistance(h, other);                        // 0…64
 */
import type { SharpOptions } from 'sharp';
import phashModule from 'sharp-phash';

// a CommonJS module whose typings declare an ES default export: under nodenext the function is the module itself
const phash = ((phashModule as { default?: unknown }).default ?? phashModule) as (input: Buffer, options?: SharpOptions) => Promise<string>;

export async function perceptualHash(input: Buffer, options: SharpOptions): Promise<bigint> {
  const bits = await phash(input, options);
  return BigInt.asIntN(64, BigInt(`0b${bits}`));
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

export const BANDS = 4;
const BAND_BITS = 16;
const BAND_MASK = (1n << BigInt(BAND_BITS)) - 1n;

/** The band keys of a hash: band index in the high bits, the band's 16 bits below. */
export function bandKeys(hash: bigint): number[] {
  const u = BigInt.asUintN(64, hash);
  return Array.from({ length: BANDS }, (_, i) => (i << BAND_BITS) | Number((u >> BigInt(i * BAND_BITS)) & BAND_MASK));
}

/** Every value within `radius` flipped bits of a 16-bit band value. */
function neighbours(value: number, radius: number): number[] {
  const out = [value];
  if (radius >= 1) for (let i = 0; i < BAND_BITS; i++) out.push(value ^ (1 << i));
  if (radius >= 2) {
    for (let i = 0; i < BAND_BITS; i++) for (let j = i + 1; j < BAND_BITS; j++) out.push(value ^ (1 << i) ^ (1 << j));
  }
  return out;
}

/**
 * The band keys to probe so that every hash within Hamming distance `k` is
 * found: two hashes `k` apart differ in some band by at most ⌊k/4⌋ bits
 * (pigeonhole), so probing each band's neighbours within that radius is
 * enough. k ≤ 7 probes 68 keys, k ≤ 11 probes 548.
 */
export function probeKeys(hash: bigint, k: number): number[] {
  const radius = Math.floor(k / BANDS);
  if (radius > 2) throw new Error(`duplicate search radius ${k} beyond the index's reach (≤ 11)`);
  return bandKeys(hash).flatMap((key, band) => neighbours(key & 0xffff, radius).map((v) => (band << BAND_BITS) | v));
}

/** 16 hex digits, how the hash is shown and stored in facts. */
export const hashHex = (h: bigint): string => BigInt.asUintN(64, h).toString(16).padStart(16, '0');
export const hashFromHex = (s: string): bigint => BigInt.asIntN(64, BigInt(`0x${s}`));
