-- Loupe feature store, schema version 2: example kind 'random' (windows sampled uniformly from the
-- corpus, whether or not the feature fires there: auto-interp's random excerpts).
-- SQLite cannot change a CHECK constraint, so the examples table is rebuilt with its example ids
-- kept (examples_fts refers to them by rowid). Random examples are not full-text indexed: search
-- answers "which features fire on this text", and a random window says nothing about that.

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
