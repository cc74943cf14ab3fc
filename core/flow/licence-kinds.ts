/**
 * The kinds of customer licence the product reads and watches, and what
 * screens, cards and alerts call them.
 */
export const LICENCE_KINDS = ['business_licence', 'medical_device_permit', 'drug_permit'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];
export const LICENCE_KIND_LABELS: Record<LicenceKind, string> = {
  business_licence: '营业执照', medical_device_permit: '医疗器械经营许可证', drug_permit: '药品经营许可证',
};
