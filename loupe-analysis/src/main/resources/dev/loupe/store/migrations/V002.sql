-- Loupe feature store, schema version 2 (feature analysis and auto-interp).
-- 1. examples.kind also allows 'random' (windows sampled uniformly from held-out text whether or not
--    the feature fires there: auto-interp's random excerpts, Bills et al.'s scoring records). SQLite
--    cannot change a CHECK constraint, so the table is rebuilt with its example ids kept (examples_fts
--    refers to them by rowid). Random examples are not full-text indexed: search answers "which
--    features fire on this text", and a random window says nothing about that.
-- 2. scores.value may be NULL: an undefined score (a correlation where the true or the simulated
--    activations are constant) is recorded as undefined, never as 0.
-- 3. interp_skips: features the auto-interp pipeline skipped (too few non-trivial excerpts ...) with
--    the reason, per method, so a resumed run does not try them again.

DROP TRIGGER examples_fts_insert;
DROP TRIGGER examples_fts_delete;

CREATE TABLE examples_v2 (
  example_id  INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL,
  feature     INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('top', 'quantile', 'random')),
  grp         INTEGER NOT NULL,
  rank        INTEGER NOT NULL,
  doc_id      INTEGER NOT NULL,
  position    INTEGER NOT NULL,
  max_act     REAL NOT NULL,
  token_ids   BLOB NOT NULL,
  acts        BLOB NOT NULL,
  text        TEXT NOT NULL,
  token_ends  BLOB NOT NULL
);
INSERT INTO examples_v2 SELECT example_id, run_id, feature, kind, grp, rank, doc_id, position, max_act, token_ids, acts, text, token_ends FROM examples;
DROP TABLE examples;
ALTER TABLE examples_v2 RENAME TO examples;
CREATE INDEX idx_examples_feature ON examples(run_id, feature, kind, grp, rank);

CREATE TRIGGER examples_fts_insert AFTER INSERT ON examples WHEN new.kind <> 'random' BEGIN
  INSERT INTO examples_fts(rowid, text) VALUES (new.example_id, new.text);
END;
CREATE TRIGGER examples_fts_delete AFTER DELETE ON examples WHEN old.kind <> 'random' BEGIN
  INSERT INTO examples_fts(examples_fts, rowid, text) VALUES ('delete', old.example_id, old.text);
END;

CREATE TABLE scores_v2 (
  explanation_id  INTEGER NOT NULL REFERENCES explanations(explanation_id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,
  simulator       TEXT NOT NULL DEFAULT '',
  value           REAL,                    -- NULL: undefined (e.g. constant true or simulated activations)
  created_at      TEXT NOT NULL,
  PRIMARY KEY (explanation_id, kind, simulator)
) WITHOUT ROWID;
INSERT INTO scores_v2 SELECT explanation_id, kind, simulator, value, created_at FROM scores;
DROP TABLE scores;
ALTER TABLE scores_v2 RENAME TO scores;

CREATE TABLE interp_skips (
  dictionary_id  INTEGER NOT NULL REFERENCES dictionaries(dictionary_id),
  feature        INTEGER NOT NULL,
  method         TEXT NOT NULL,
  reason         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (dictionary_id, method, feature)
) WITHOUT ROWID;
