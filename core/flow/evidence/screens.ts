/**
 * Phone screens in pixels (portrait), for telling a screenshot from a camera
 * picture: a screenshot is exactly the screen's size and carries no camera
 * EXIF, while camera sensors are 4:3 (4000×3000, 4032×3024 …) or their crops.
 * Covers the phones reps carry in China: iPhone 6–16, Huawei, Honor, Xiaomi,
 * Redmi, OPPO, vivo, OnePlus, Samsung. Data, so the list can grow.
 */
export const PHONE_SCREENS: ReadonlyArray<readonly [number, number]> = [
  // iPhone
  [640, 1136], [750, 1334], [1080, 1920], [1242, 2208], [828, 1792], [1125, 2436], [1242, 2688],
  [1080, 2340], [1170, 2532], [1284, 2778], [1179, 2556], [1290, 2796], [1206, 2622], [1320, 2868],
  // Android: FHD+ and QHD+ families
  [720, 1280], [720, 1440], [720, 1520], [720, 1600], [720, 1612], [1080, 2160], [1080, 2244], [1080, 2246],
  [1080, 2280], [1080, 2310], [1080, 2312], [1080, 2336], [1080, 2376], [1080, 2388], [1080, 2400], [1080, 2408],
  [1080, 2412], [1080, 2436], [1080, 2460], [1084, 2412], [1096, 2412], [1116, 2484], [1200, 2640], [1200, 2652], [1200, 2670],
  [1200, 2700], [1220, 2712], [1224, 2700], [1228, 2700], [1236, 2676], [1240, 2772], [1256, 2760], [1260, 2720], [1260, 2800],
  [1264, 2780], [1272, 2772], [1280, 2800], [1312, 2848], [1316, 2856], [1344, 2992], [1440, 2560], [1440, 2960], [1440, 3040],
  [1440, 3088], [1440, 3120], [1440, 3168], [1440, 3200], [1440, 3216],
];

const KEYS = new Set(PHONE_SCREENS.flatMap(([w, h]) => [`${w}x${h}`, `${h}x${w}`]));

export function isPhoneScreenSize(width: number | null, height: number | null): boolean {
  return width !== null && height !== null && KEYS.has(`${width}x${height}`);
}

/**
 * EXIF Software values of photo editors and beauty apps (case-insensitive
 * substrings). A camera writes its firmware there ("ELS-AN00 4.0.0",
 * "16.5", "MediaTek Camera Application"), which none of these match.
 */
export const EDITING_SOFTWARE: ReadonlyArray<{ match: string; name: string }> = [
  { match: 'photoshop', name: 'Photoshop' },
  { match: 'lightroom', name: 'Lightroom' },
  { match: 'snapseed', name: 'Snapseed' },
  { match: 'meitu', name: '美图秀秀' },
  { match: '美图', name: '美图秀秀' },
  { match: 'xiuxiu', name: '美图秀秀' },
  { match: 'hypic', name: '醒图' },
  { match: '醒图', name: '醒图' },
  { match: 'xingtu', name: '醒图' },
  { match: 'picsart', name: 'PicsArt' },
  { match: 'vsco', name: 'VSCO' },
  { match: 'gimp', name: 'GIMP' },
  { match: 'canva', name: 'Canva' },
  { match: 'faceu', name: 'FaceU' },
  { match: 'beautycam', name: '美颜相机' },
  { match: '美颜', name: '美颜相机' },
  { match: 'butter', name: '黄油相机' },
  { match: '黄油相机', name: '黄油相机' },
  { match: 'pixlr', name: 'Pixlr' },
  { match: 'affinity', name: 'Affinity Photo' },
  { match: 'picsew', name: 'Picsew' },
  { match: 'wps', name: 'WPS' },
];

/** The editor an EXIF Software value names, or null for a camera's own firmware. */
export function editingSoftwareOf(software: string | null): string | null {
  if (!software) return null;
  const s = software.toLowerCase();
  return EDITING_SOFTWARE.find((e) => s.includes(e.match.toLowerCase()))?.name ?? null;
}
