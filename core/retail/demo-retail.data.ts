/**
 * The demo's retail side (core/seed/modules/retail.seed.ts): the brand's new
 * products, the store chains' name prefixes, and the names of the people the
 * generator signs up — the first clerks and inspector are listed on the demo
 * sign-in page, so they are fixed here.
 */
export const DEMO_PRODUCTS = [
  { sku: 'BEV-GT-500', barcode: '6901234567892', name: '山野绿茶无糖 500ml', category: '饮料', daysAgo: 2, price: 4.5 },
  { sku: 'BEV-LM-330', barcode: '6901234567908', name: '柠檬气泡水 330ml', category: '饮料', daysAgo: 40, price: 5 },
  { sku: 'BEV-OJ-1L', barcode: '6901234567915', name: '鲜榨橙汁 1L', category: '饮料', daysAgo: 120, price: 12.8 },
  { sku: 'SNK-SW-70', barcode: '6901234567922', name: '海苔夹心脆 70g', category: '零食', daysAgo: 10, price: 8.9 },
  { sku: 'SNK-NT-150', barcode: '6901234567939', name: '每日坚果 150g', category: '零食', daysAgo: 200, price: 29.9 },
  { sku: 'SNK-CK-90', barcode: '6901234567946', name: '全麦曲奇 90g', category: '零食', daysAgo: 300, price: 6.5 },
] as const;

/**
 * The demo's promotion: the two drinks at half of a chain's stores in one
 * region (the other half are its matched stores), running since `daysAgo`.
 * `lift` is how much more the promoted stores sell of them meanwhile.
 */
export const DEMO_PROMOTION = {
  name: '夏日饮品第二件半价', skus: ['BEV-GT-500', 'BEV-LM-330'], chain: '罗森', daysAgo: 10, daysLeft: 4, cost: 600, lift: 1.45,
} as const;
/** More stores of that chain in that region (华东), so the promotion has stores to be matched with. */
export const DEMO_CHAIN_STORES: Array<[name: string, address: string, lat: number, lng: number, owner: string]> = [
  ['罗森淮海中路店', '上海市黄浦区淮海中路300号', 31.2197, 121.4752, 'rep.zhao'],
  ['罗森陆家嘴店', '上海市浦东新区陆家嘴环路1000号', 31.2397, 121.5052, 'rep.qian'],
  ['罗森五角场店', '上海市杨浦区淞沪路8号', 31.3015, 121.5145, 'rep.qian'],
];

/** The launched product of the demo's 新品上架 (the newest). */
export const DEMO_LAUNCH_SKU = 'BEV-GT-500';

export const DEMO_CHAINS = ['罗森', '全家', '好德便利', '可的便利', '苏宁小店', '7-ELEVEn', '便利蜂', '好邻居', '快客便利', '美宜佳'];

export const SHELF_SLOTS = [
  { suffix: 'A1', label: '冷柜第2层' },
  { suffix: 'B2', label: '常温货架第3层' },
  { suffix: 'C1', label: '收银台旁端架' },
] as const;

export const CLERK_NAMES = ['陆小燕', '顾佳', '沈晓东', '许婷婷', '韩梅', '冯磊', '曹雪', '彭浩', '蒋丽', '杜鹏', '邱敏', '袁帅'];
export const INSPECTOR_NAMES = ['范志强', '石慧', '陶然', '贺军', '龚蕾', '严斌'];

/** Listed on the demo sign-in page beside the brand's people. */
export const DEMO_RETAIL_USERS = [
  { userid: 'clerk.1', name: CLERK_NAMES[0]!, role: 'clerk', position: '店员 · 罗森静安寺店' },
  { userid: 'clerk.2', name: CLERK_NAMES[1]!, role: 'clerk', position: '店员 · 全家徐家汇店' },
  { userid: 'inspector.1', name: INSPECTOR_NAMES[0]!, role: 'inspector', position: '巡店督导 · 华东区 上海' },
] as const;
