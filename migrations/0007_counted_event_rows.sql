-- Identical imported event rows are counted, not merged (contract, "Interchange"): two anonymous
-- NPS 9s from one account on one day are two responses. The whole-row unique indexes that merged
-- them go; the rows already in the book stay as they are. An optional id column in the file
-- (`response_id`, `ticket_id`, `interaction_id`) is kept as `external_id`, the row's natural key.
DROP INDEX surveys_natural;
DROP INDEX interactions_natural;
DROP INDEX tickets_natural;
ALTER TABLE surveys ADD COLUMN external_id TEXT CHECK (external_id IS NULL OR length(external_id) > 0);
ALTER TABLE tickets ADD COLUMN external_id TEXT CHECK (external_id IS NULL OR length(external_id) > 0);
ALTER TABLE interactions ADD COLUMN external_id TEXT CHECK (external_id IS NULL OR length(external_id) > 0);
CREATE UNIQUE INDEX surveys_external_id ON surveys(external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX tickets_external_id ON tickets(external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX interactions_external_id ON interactions(external_id) WHERE external_id IS NOT NULL;
