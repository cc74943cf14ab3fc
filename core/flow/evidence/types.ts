/**
 * What the server established about a report's evidence, as plain data the
 * evidence rules read: per-file facts computed once at upload (core/evidence
 * stores them beside the attachment) and the rep's check-in history loaded
 * with the report's other facts. Nothing here was declared by the phone,
 * except where a field says so.
 */
import type { CoordSystem } from '../types.js';
import type { EvidenceThresholds } from './thresholds.js';

/** Who and what an earlier file belonged to, named so a finding can point at the earlier visit. */
export interface EarlierFile {
  attachmentId: number;
  uploadedAt: Date;
  uploadedBy: { id: number; name: string };
  customer: { id: number; name: string } | null;
  actionId: number | null;
}

/** An earlier photo of the organisation whose perceptual hash lies within the search radius. */
export interface SimilarPhoto extends EarlierFile {
  /** Hamming distance between the two 64-bit hashes (0 = the same picture). */
  distance: number;
  /** Identical bytes: the very same file uploaded again. */
  sameBytes: boolean;
  capturedAt: Date | null;
}

export interface PhotoEvidence {
  /** Pixels, after EXIF orientation; null when the decoder could not read the size. */
  width: number | null;
  height: number | null;
  /** Pixels were decoded and hashed (HEIC is not decoded by the bundled libvips: no hash, EXIF still read). */
  hashed: boolean;
  /** Any EXIF block at all. */
  hasExif: boolean;
  make: string | null;
  model: string | null;
  software: string | null;
  /** EXIF GPS position, always WGS-84. */
  gps: { lat: number; lng: number } | null;
  /** The server fetched it from WeCom's media store (wx.uploadImage) rather than receiving the bytes. */
  fromWecom: boolean;
  /** When the server received the file. */
  uploadedAt: Date;
  /** Nearest first; found when the photo was uploaded, so only photos uploaded before it. */
  similar: SimilarPhoto[];
}

/** An earlier voice memo whose audio fingerprint matches. */
export interface SimilarMemo extends EarlierFile {
  /** Share of fingerprint bits that agree at the best alignment (1 = identical audio). */
  similarity: number;
}

export interface VoiceEvidence {
  /** Read from the file (header, or decoded samples), never the phone's word. */
  durationMs: number;
  /** Time the voice-activity detector marked as speech. */
  speechMs: number;
  similar: SimilarMemo[];
}

/** One of the rep's other check-ins, from reports filed before. */
export interface PastCheckIn {
  at: Date;
  lat: number;
  lng: number;
  coordSystem: CoordSystem;
  accuracy: number | null;
  customer: { id: number; name: string };
  actionId: number;
}

/** The check-in history a plausibility check needs, loaded with the report's facts. */
export interface CheckInHistory {
  /** The rep's check-ins (other actions) closest in time to this one, before and after, within a day. */
  nearest: PastCheckIn[];
  /** Anyone's check-ins (other actions) at exactly the same coordinates, to 6 decimals. */
  sameSpot: Array<PastCheckIn & { userName: string; sameUser: boolean }>;
  /** Accuracies the rep's latest check-ins declared, newest first. */
  recentAccuracies: Array<number | null>;
}

export interface EvidenceContext {
  thresholds: EvidenceThresholds;
  /** The submitting rep. */
  repId: number;
  /** The action reported on: its own earlier uploads are the same visit, not an earlier one. */
  actionId: number | null;
  checkIns: CheckInHistory;
}

/**
 * What a follow-up claims and what the server found behind the claims. The
 * claims are declared (a number, a tick); only the found part counts.
 */
export interface FollowUpClaims {
  declaredDocuments: number;
  declaredChainUpdate: boolean;
  /** The follow-up's window: since the rep's previous follow-up of the customer (at most a few weeks back). */
  window: { start: Date; end: Date };
  /** Documents the follow-up names (uploaded files, share links), with when the server received them. */
  documents: Array<{ id: number; name: string; createdAt: Date }>;
  /** Changes to the customer's contacts recorded in the window (contact events, role changes). */
  contactChanges: Array<{ contactId: number; name: string; at: Date; change: string }>;
}
