-- A rep's correction right after the learned reader's own reading ("不对，她是反对的", issue #24) is an example too:
-- the words first said, read as corrected. The examples it corrects (same phrasing, other reading) are removed
-- by that rep, kept and restorable like an admin's removal.
ALTER TABLE understanding_examples DROP CONSTRAINT understanding_examples_source_check;
ALTER TABLE understanding_examples ADD CONSTRAINT understanding_examples_source_check
  CHECK (source IN ('chosen', 'none_of_these', 'undone', 'corrected'));
