-- Loupe feature store, schema version 4 (fewer and cheaper rows per analysed feature; docs/analysis-cost.md).
-- 1. excerpts: the token windows of examples, stored once per run and shared by every example that shows
--    the same window (all features' random examples share the same few windows, and top / quantile windows
--    recur across features). excerpt_id = run_id * 2^32 + n (n < 2^32 numbers the run's windows), so a
--    writer picks ids without asking the database and a run's excerpts are one rowid range.
--    examples keep per feature only kind / group / rank, the excerpt, max_act and the activations.
-- 2. examples_fts indexes excerpts (rowid = excerpt_id), filled when the run is published, as in V003; a
--    hit is mapped to features by excerpt_features (run_id, excerpt_id, feature), also filled at publish
--    from the run's top and quantile examples, in key order.
-- 3. token_features: "which features fire on this token", filled at publish from token_stats in key
--    order. It replaces idx_token_stats_token, which every staged token_stats row had to update at a
--    random place (each staged transaction then rewrote most of that index into the WAL).
-- 4. logits, token_stats and range_tokens: one row per feature (and logit kind) with the whole list as
--    a JSON array (dev.loupe.store.PackedRows), not one row per entry: a feature page reads them whole.
-- Runs already in the store keep one excerpt per example (n = their old example_id).

DROP TABLE examples_fts;   -- its content table changes; rebuilt below (drops the V003 trigger with examples)

CREATE TABLE excerpts (
  excerpt_id  INTEGER PRIMARY KEY,         -- run_id * 2^32 + n
  run_id      INTEGER NOT NULL,
  doc_id      INTEGER NOT NULL,
  position    INTEGER NOT NULL,            -- document position of the window's first token
  token_ids   BLOB NOT NULL,               -- int32 LE [n]
  text        TEXT NOT NULL,               -- the n token strings concatenated (what full-text search indexes)
  token_ends  BLOB NOT NULL                -- int32 LE [n]: end of token i in text, in UTF-16 code units
);
INSERT INTO excerpts(excerpt_id, run_id, doc_id, position, token_ids, text, token_ends)
  SELECT run_id * 4294967296 + example_id, run_id, doc_id, position, token_ids, text, token_ends FROM examples;

CREATE TABLE examples_v4 (
  example_id  INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL,
  feature     INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('top', 'quantile', 'random')),
  grp         INTEGER NOT NULL,
  rank        INTEGER NOT NULL,
  excerpt_id  INTEGER NOT NULL,            -- the window (excerpts, same run)
  max_act     REAL NOT NULL,
  acts        BLOB NOT NULL                -- this feature's activation at each token of the window: float32 LE [n], or, when
                                           -- shorter (6 * non-zero < 4 n), (uint16 position, float32 value) LE pairs of the non-zero ones
);
INSERT INTO examples_v4 SELECT example_id, run_id, feature, kind, grp, rank, run_id * 4294967296 + example_id, max_act, acts FROM examples;
DROP TABLE examples;
ALTER TABLE examples_v4 RENAME TO examples;
CREATE INDEX idx_examples_feature ON examples(run_id, feature, kind, grp, rank);

CREATE TABLE excerpt_features (
  run_id      INTEGER NOT NULL,
  excerpt_id  INTEGER NOT NULL,
  feature     INTEGER NOT NULL,
  PRIMARY KEY (run_id, excerpt_id, feature)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE examples_fts USING fts5(text, content='excerpts', content_rowid='excerpt_id');
CREATE TRIGGER examples_fts_delete AFTER DELETE ON excerpts
  WHEN (SELECT status FROM analysis_runs WHERE run_id = old.run_id) IN ('complete', 'superseded') BEGIN
  INSERT INTO examples_fts(examples_fts, rowid, text) VALUES ('delete', old.excerpt_id, old.text);
END;
INSERT INTO excerpt_features(run_id, excerpt_id, feature)
  SELECT run_id, excerpt_id, feature FROM examples
  WHERE kind <> 'random' AND run_id IN (SELECT run_id FROM analysis_runs WHERE status IN ('complete', 'superseded'));
INSERT INTO examples_fts(rowid, text)
  SELECT excerpt_id, text FROM excerpts WHERE run_id IN (SELECT run_id FROM analysis_runs WHERE status IN ('complete', 'superseded'));

CREATE TABLE token_features (
  run_id    INTEGER NOT NULL,
  token_id  INTEGER NOT NULL,
  mean_act  REAL NOT NULL,
  feature   INTEGER NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (run_id, token_id, mean_act DESC, feature)
) WITHOUT ROWID;
INSERT INTO token_features SELECT run_id, token_id, mean_act, feature, count FROM token_stats
  WHERE run_id IN (SELECT run_id FROM analysis_runs WHERE status IN ('complete', 'superseded'));

-- tokens: [[token_id, token, count, mean_act], ...] by mean_act (largest first), then token id
CREATE TABLE token_stats_v4 (
  run_id    INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  tokens    TEXT NOT NULL,
  PRIMARY KEY (run_id, feature)
) WITHOUT ROWID;
INSERT INTO token_stats_v4 SELECT run_id, feature,
    json_group_array(json_array(token_id, token, count, mean_act) ORDER BY mean_act DESC, token_id)
  FROM token_stats GROUP BY run_id, feature;
DROP TABLE token_stats;   -- and idx_token_stats_token with it
ALTER TABLE token_stats_v4 RENAME TO token_stats;

-- positive / negative: [[token_id, token, value], ...], largest |value| first
CREATE TABLE logits_v4 (
  run_id    INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('direct', 'ablation')),
  positive  TEXT NOT NULL,
  negative  TEXT NOT NULL,
  PRIMARY KEY (run_id, feature, kind)
) WITHOUT ROWID;
INSERT INTO logits_v4 SELECT run_id, feature, kind,
    json_group_array(json_array(token_id, token, value) ORDER BY rank) FILTER (WHERE sign = 1),
    json_group_array(json_array(token_id, token, value) ORDER BY rank) FILTER (WHERE sign = -1)
  FROM logits GROUP BY run_id, feature, kind;
DROP TABLE logits;
ALTER TABLE logits_v4 RENAME TO logits;

-- bins: [[bin, token_id, token, count], ...] by bin, then count (largest first), then token id
CREATE TABLE range_tokens_v4 (
  run_id    INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  bins      TEXT NOT NULL,
  PRIMARY KEY (run_id, feature)
) WITHOUT ROWID;
INSERT INTO range_tokens_v4 SELECT run_id, feature,
    json_group_array(json_array(bin, token_id, token, count) ORDER BY bin, count DESC, token_id)
  FROM range_tokens GROUP BY run_id, feature;
DROP TABLE range_tokens;
ALTER TABLE range_tokens_v4 RENAME TO range_tokens;
