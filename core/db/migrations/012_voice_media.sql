-- What the server reads from a voice file itself (core/media): its duration, from the
-- container's header or the decoded samples, and the MP3 copy kept for formats WeCom's
-- webview and iOS cannot play (AMR, Speex, 3GP, WebM, Ogg). The original stays as sha256.
ALTER TABLE attachments
  ADD COLUMN duration_ms     integer CHECK (duration_ms >= 0),
  ADD COLUMN playable_sha256 char(64) CHECK (playable_sha256 ~ '^[0-9a-f]{64}$');
