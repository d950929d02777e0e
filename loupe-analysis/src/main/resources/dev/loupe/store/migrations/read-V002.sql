-- Read-only view of a V002 / V003 store in the V004 shape (FeatureStore.openReadOnly cannot migrate).
-- Temporary views on the reading connection only: they shadow main's old tables of the same names, and
-- each old example is its own excerpt (excerpt_id = example_id, which is also examples_fts's rowid).
-- Nothing here is written to the file.

CREATE TEMP VIEW excerpts AS
  SELECT example_id AS excerpt_id, run_id, doc_id, position, token_ids, text, token_ends FROM main.examples;

CREATE TEMP VIEW examples AS
  SELECT example_id, run_id, feature, kind, grp, rank, example_id AS excerpt_id, max_act, acts FROM main.examples;

CREATE TEMP VIEW excerpt_features AS
  SELECT run_id, example_id AS excerpt_id, feature FROM main.examples WHERE kind <> 'random';

CREATE TEMP VIEW token_features AS
  SELECT run_id, token_id, mean_act, feature, count FROM main.token_stats;

CREATE TEMP VIEW token_stats AS
  SELECT run_id, feature, json_group_array(json_array(token_id, token, count, mean_act) ORDER BY mean_act DESC, token_id) AS tokens
  FROM main.token_stats GROUP BY run_id, feature;

CREATE TEMP VIEW logits AS
  SELECT run_id, feature, kind,
         json_group_array(json_array(token_id, token, value) ORDER BY rank) FILTER (WHERE sign = 1) AS positive,
         json_group_array(json_array(token_id, token, value) ORDER BY rank) FILTER (WHERE sign = -1) AS negative
  FROM main.logits GROUP BY run_id, feature, kind;

CREATE TEMP VIEW range_tokens AS
  SELECT run_id, feature, json_group_array(json_array(bin, token_id, token, count) ORDER BY bin, count DESC, token_id) AS bins
  FROM main.range_tokens GROUP BY run_id, feature;
