/**
 * A picture of coloured shapes drawn from a seed, as SVG: the same seed, the
 * same picture, and different seeds pictures far apart by perceptual hash —
 * so seeded photos that must be distinct (a patrol's photo per checklist
 * item) are, without the committed pool, whose pictures the reps' history
 * already uses. Structure at every scale, like a shop shelf, so it survives
 * resizing (noise does not).
 *
 *   const jpeg = await sharp(sceneSvg(42, 640, 480)).jpeg().toBuffer();
 */
import { prng } from '../prng.js';

export function sceneSvg(seed: number, width: number, height: number): Buffer {
  const r = prng(seed);
  const colour = () => `hsl(${Math.floor(r() * 360)},${30 + Math.floor(r() * 50)}%,${25 + Math.floor(r() * 50)}%)`;
  const shapes = Array.from({ length: 14 }, () => {
    const [x, y, w, h] = [r() * width, r() * height, (0.1 + r() * 0.5) * width, (0.1 + r() * 0.5) * height];
    return r() < 0.5
      ? `<rect x="${x - w / 2}" y="${y - h / 2}" width="${w}" height="${h}" fill="${colour()}"/>`
      : `<ellipse cx="${x}" cy="${y}" rx="${w / 2}" ry="${h / 2}" fill="${colour()}"/>`;
  });
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`
    + `<rect width="100%" height="100%" fill="${colour()}"/>${shapes.join('')}</svg>`);
}
