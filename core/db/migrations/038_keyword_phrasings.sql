-- How reps say a keyword library's words in other words (issue #24's 痛点话题的说法, keywords.topic-phrasings):
-- {"价格偏高": ["太贵", "嫌贵", …], …}, written through by that setting so the visit report's single read finds it
-- beside the words. NULL: the template's phrasings (core/understanding/topics/default-phrasings.ts).
ALTER TABLE keyword_libraries ADD COLUMN phrasings jsonb;
