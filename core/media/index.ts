/**
 * core/media: decoding, normalised copies and durations of voice files, for
 * uploads, the bot's voice messages and evidence analysis alike.
 *
 *   import { decodeToPcm, analyseVoice, isVoiceType } from '../media/index.js';
 */
export { analyseVoice, type VoiceFacts } from './analyse-voice.js';
export { decodeToPcm, decodeVoice, type DecodedVoice, type Pcm } from './decode.js';
export { readDeclaredDuration } from './duration.js';
export { isVoiceType, PLAYABLE_MIME, VOICE_FORMATS, type VoiceType } from './voice-formats.js';
