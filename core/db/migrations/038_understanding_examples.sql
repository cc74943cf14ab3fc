-- What reps answered when the bot asked how to read their words (issue #24): each answer is a labelled example
-- of the organisation's own phrasing, which the learned reader (core/understanding/learned) is retrained on beside
-- the public utterance table. Only the words said and the reading chosen are kept — no customer, no contact.
-- An admin removes a wrong one (removed_at/removed_by; restoring clears them): nothing is deleted, so the list
-- shows what was taught, by whom, and what was taken back.
CREATE TABLE understanding_examples (
  id          bigserial PRIMARY KEY,
  text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
  -- the words with people, the date and numbers replaced by placeholders (features.ts withPlaceholders):
  -- the same phrasing said of another contact is the same pattern
  pattern     text NOT NULL,
  -- what the bot was waiting for when the words came ('-', 'next', 'role', 'yesno')
  asked       text NOT NULL DEFAULT '-',
  -- the family chosen: 'cmd:my_tasks', 'role:决策者', 'stance:反对', 'change:left' … or 'none' (都不是)
  label       text NOT NULL,
  -- the readings the bot offered, in its order
  offered     text[] NOT NULL DEFAULT '{}',
  -- chosen: a reading picked; none_of_these: 都不是; undone: 撤销 of what the reader recorded by itself
  source      text NOT NULL CHECK (source IN ('chosen', 'none_of_these', 'undone')),
  user_id     bigint REFERENCES users(id),
  created_at  timestamptz NOT NULL,
  removed_at  timestamptz,
  removed_by  bigint REFERENCES users(id),
  -- the last insert, removal or restore: readers compare it to know their copy is current
  changed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX understanding_examples_active_idx ON understanding_examples (id) WHERE removed_at IS NULL;

-- Each retraining of the organisation's learned reader: when, why, on how many examples, how long it took and
-- how well the model reads lines it did not train on (10-fold cross-validation).
CREATE TABLE understanding_trainings (
  id              bigserial PRIMARY KEY,
  trained_at      timestamptz NOT NULL,
  trigger         text NOT NULL CHECK (trigger IN ('nightly', 'on_demand')),
  by_user         bigint REFERENCES users(id),
  public_lines    int NOT NULL,
  examples        int NOT NULL,
  train_ms        int NOT NULL,
  cv_ms           int NOT NULL,
  cv_accuracy     real NOT NULL,
  cv_acted        real NOT NULL,
  cv_acted_right  real NOT NULL,
  cv_asked        real NOT NULL
);
