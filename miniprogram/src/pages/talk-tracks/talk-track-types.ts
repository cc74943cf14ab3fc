/** The API's talk-track pack (core/talk-tracks/packs.ts PackSchema), as the pages read it. */
export interface Pack {
  id: number;
  title: string;
  summary: string;
  sections: Array<{ heading: string; body: string }>;
  objections: Array<{ objection: string; answer: string }>;
  keywords: string[];
  customerTypes: string[];
  stageCodes: string[];
  signalKinds: string[];
  /** Whom it is for, in words; empty = everyone. */
  targets: string[];
  published: boolean;
  version: number;
  updatedAt: string;
  updatedBy: { id: number; name: string } | null;
  attachments: Array<{ id: number; filename: string; mime: string; size: number; url: string }>;
}

export interface Usage { packId: number; opens: number; readers: number; helped: number; pushes: number; pushesOpened: number }
export interface Option { value: string; label: string }
export interface TargetOptions { customerTypes: Option[]; stages: Option[]; signals: Option[] }

/** '356 KB', '1.2 MB'. */
export const sizeText = (n: number): string => (n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
