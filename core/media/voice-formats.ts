/**
 * What each accepted voice format needs: whether WeCom's webview and iOS
 * play it as it is (otherwise an MP3 copy is kept beside the original), and
 * the MIME type music-metadata should parse it as. Pure data.
 */
/** The voice formats core/attachments/sniff.ts recognises, by the same names (media does not depend on attachments). */
export type VoiceType = 'amr' | 'speex' | 'mp3' | 'm4a' | 'mp4' | 'aac' | 'wav' | 'webm' | 'opus' | '3gp';

interface VoiceFormat {
  /** iOS's and WeCom's webview's <audio> play it (AMR, Speex, 3GP/AMR, Ogg and, on iOS, WebM do not). */
  playsEverywhere: boolean;
  /** The type music-metadata parses it as; null where it has no parser (AMR: frames are counted by decoding). */
  metadataMime: string | null;
}

export const VOICE_FORMATS: Record<VoiceType, VoiceFormat> = {
  mp3: { playsEverywhere: true, metadataMime: 'audio/mpeg' },
  m4a: { playsEverywhere: true, metadataMime: 'audio/mp4' },
  mp4: { playsEverywhere: true, metadataMime: 'audio/mp4' },
  aac: { playsEverywhere: true, metadataMime: 'audio/aac' },
  wav: { playsEverywhere: true, metadataMime: 'audio/wav' },
  amr: { playsEverywhere: false, metadataMime: null },
  speex: { playsEverywhere: false, metadataMime: 'audio/ogg' },
  opus: { playsEverywhere: false, metadataMime: 'audio/ogg' },
  webm: { playsEverywhere: false, metadataMime: 'audio/webm' },
  '3gp': { playsEverywhere: false, metadataMime: 'audio/mp4' },
};

export const isVoiceType = (t: string): t is VoiceType => Object.hasOwn(VOICE_FORMATS, t);

/** The normalised copy's format: MP3 plays in every webview and browser we meet. */
export const PLAYABLE_MIME = 'audio/mpeg';
