-- Loupe feature store, schema version 1.
-- Migrations are forward-only: never edit a released script, add V002.sql etc. instead.
-- Conventions: feature = index of the feature (or neuron) in its dictionary, 0-based;
-- BLOB vectors are little-endian (float32 for activations, int32 for token ids, int64 for counts);
-- JSON columns hold UTF-8 JSON objects; times are ISO-8601 UTC text.
-- Everything an analysis writes is keyed by run_id; readers only follow dictionaries.current_run_id,
-- so a run that is still being written (or was killed) is invisible.

CREATE TABLE models (
  model_id      INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  architecture  TEXT,
  path          TEXT,
  config_json   TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL
);

CREATE TABLE dictionaries (
  dictionary_id     INTEGER PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  model_id          INTEGER NOT NULL REFERENCES models(model_id),
  hook              TEXT NOT NULL,
  kind              TEXT NOT NULL,          -- SAELens architecture string or baseline: standard|topk|jumprelu|pca|ica|neurons|random...
  d_in              INTEGER NOT NULL,
  d_features        INTEGER NOT NULL,
  path              TEXT,
  eval_json         TEXT NOT NULL DEFAULT '{}',  -- FVU, L0, dead fraction, CE recovered...
  config_json       TEXT NOT NULL DEFAULT '{}',
  current_run_id    INTEGER,                -- published analysis run; NULL until the first one commits
  created_at        TEXT NOT NULL
);

CREATE TABLE analysis_runs (
  run_id          INTEGER PRIMARY KEY,
  dictionary_id   INTEGER NOT NULL REFERENCES dictionaries(dictionary_id),
  status          TEXT NOT NULL CHECK (status IN ('writing', 'complete', 'superseded')),
  writer_pid      INTEGER NOT NULL,
  writer_started  TEXT NOT NULL,           -- start instant of the writing process (tells a live writer from a reused pid)
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  provenance_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_runs_dictionary ON analysis_runs(dictionary_id, status);

-- One row per feature per run. mean_act is the mean over the tokens where the feature fires.
CREATE TABLE features (
  run_id       INTEGER NOT NULL,
  feature      INTEGER NOT NULL,
  fire_count   INTEGER NOT NULL,
  token_count  INTEGER NOT NULL,
  density      REAL NOT NULL,
  mean_act     REAL NOT NULL,
  max_act      REAL NOT NULL,
  PRIMARY KEY (run_id, feature)
) WITHOUT ROWID;
CREATE INDEX idx_features_density ON features(run_id, density, feature);
CREATE INDEX idx_features_mean    ON features(run_id, mean_act, feature);
CREATE INDEX idx_features_max     ON features(run_id, max_act, feature);

-- Further named per-feature statistics (skewness, decoder norm, ...).
CREATE TABLE feature_stats (
  run_id   INTEGER NOT NULL,
  feature  INTEGER NOT NULL,
  name     TEXT NOT NULL,
  value    REAL NOT NULL,
  PRIMARY KEY (run_id, feature, name)
) WITHOUT ROWID;

-- Context windows: kind 'top' (grp 0, rank 0 = highest) or 'quantile' (grp = quantile group).
CREATE TABLE examples (
  example_id  INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL,
  feature     INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('top', 'quantile')),
  grp         INTEGER NOT NULL,
  rank        INTEGER NOT NULL,
  doc_id      INTEGER NOT NULL,
  position    INTEGER NOT NULL,            -- document position of the window's first token
  max_act     REAL NOT NULL,
  token_ids   BLOB NOT NULL,               -- int32 LE [n]
  acts        BLOB NOT NULL,               -- float32 LE [n]
  text        TEXT NOT NULL,               -- the n token strings concatenated (also what full-text search indexes)
  token_ends  BLOB NOT NULL                -- int32 LE [n]: end of token i in text, in UTF-16 code units
);
CREATE INDEX idx_examples_feature ON examples(run_id, feature, kind, grp, rank);

CREATE VIRTUAL TABLE examples_fts USING fts5(text, content='examples', content_rowid='example_id');
CREATE TRIGGER examples_fts_insert AFTER INSERT ON examples BEGIN
  INSERT INTO examples_fts(rowid, text) VALUES (new.example_id, new.text);
END;
CREATE TRIGGER examples_fts_delete AFTER DELETE ON examples BEGIN
  INSERT INTO examples_fts(examples_fts, rowid, text) VALUES ('delete', old.example_id, old.text);
END;

CREATE TABLE histograms (
  run_id   INTEGER NOT NULL,
  feature  INTEGER NOT NULL,
  kind     TEXT NOT NULL,                  -- 'activation' (log-spaced bins over firing activations) or others
  edges    BLOB NOT NULL,                  -- float32 LE [bins + 1]
  counts   BLOB NOT NULL,                  -- int64 LE [bins]
  PRIMARY KEY (run_id, feature, kind)
) WITHOUT ROWID;

-- Top positive (sign +1) and negative (sign -1) tokens of a feature's logit effect.
CREATE TABLE logits (
  run_id    INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('direct', 'ablation')),
  sign      INTEGER NOT NULL CHECK (sign IN (1, -1)),
  rank      INTEGER NOT NULL,
  token_id  INTEGER NOT NULL,
  token     TEXT NOT NULL,
  value     REAL NOT NULL,
  PRIMARY KEY (run_id, feature, kind, sign, rank)
) WITHOUT ROWID;

-- Per-token table: for each feature its top tokens by mean activation (the token look-up table).
CREATE TABLE token_stats (
  run_id    INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  token_id  INTEGER NOT NULL,
  token     TEXT NOT NULL,
  count     INTEGER NOT NULL,              -- times the feature fired on this token
  mean_act  REAL NOT NULL,
  PRIMARY KEY (run_id, feature, token_id)
) WITHOUT ROWID;
CREATE INDEX idx_token_stats_token ON token_stats(run_id, token_id, mean_act);

-- Per activation range (histogram bin), which tokens produced it (Cunningham et al. Fig. 4 left).
CREATE TABLE range_tokens (
  run_id    INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  bin       INTEGER NOT NULL,
  token_id  INTEGER NOT NULL,
  token     TEXT NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (run_id, feature, bin, token_id)
) WITHOUT ROWID;

-- Nearest features by decoder cosine. other_dictionary_id = own dictionary: neighbours;
-- another dictionary: matches there (for a larger SAE on the same site: the feature-splitting children).
CREATE TABLE neighbours (
  run_id               INTEGER NOT NULL,
  feature              INTEGER NOT NULL,
  other_dictionary_id  INTEGER NOT NULL,
  rank                 INTEGER NOT NULL,
  other_feature        INTEGER NOT NULL,
  cosine               REAL NOT NULL,
  PRIMARY KEY (run_id, feature, other_dictionary_id, rank)
) WITHOUT ROWID;
CREATE INDEX idx_neighbours_other ON neighbours(other_dictionary_id, other_feature);

-- Explanations belong to the dictionary, not to an analysis run: they survive re-analysis.
CREATE TABLE explanations (
  explanation_id   INTEGER PRIMARY KEY,
  dictionary_id    INTEGER NOT NULL REFERENCES dictionaries(dictionary_id),
  feature          INTEGER NOT NULL,
  text             TEXT NOT NULL,
  method           TEXT NOT NULL,          -- e.g. 'bills-top-activations', 'token-lookup', 'revision'
  explainer_model  TEXT,
  prompt_hash      TEXT,
  cost_usd         REAL NOT NULL DEFAULT 0,
  provenance_json  TEXT NOT NULL DEFAULT '{}',
  created_at       TEXT NOT NULL
);
CREATE INDEX idx_explanations_feature ON explanations(dictionary_id, feature);

CREATE VIRTUAL TABLE explanations_fts USING fts5(text, content='explanations', content_rowid='explanation_id');
CREATE TRIGGER explanations_fts_insert AFTER INSERT ON explanations BEGIN
  INSERT INTO explanations_fts(rowid, text) VALUES (new.explanation_id, new.text);
END;
CREATE TRIGGER explanations_fts_delete AFTER DELETE ON explanations BEGIN
  INSERT INTO explanations_fts(explanations_fts, rowid, text) VALUES ('delete', old.explanation_id, old.text);
END;

CREATE TABLE scores (
  explanation_id  INTEGER NOT NULL REFERENCES explanations(explanation_id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,           -- 'top_and_random', 'random_only', 'top_only', ...
  simulator       TEXT NOT NULL DEFAULT '',
  value           REAL NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (explanation_id, kind, simulator)
) WITHOUT ROWID;

-- Best score of each kind per feature, maintained by the writer so "sort by score" can use an index.
CREATE TABLE feature_best_scores (
  dictionary_id   INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  feature         INTEGER NOT NULL,
  value           REAL NOT NULL,
  explanation_id  INTEGER NOT NULL,
  PRIMARY KEY (dictionary_id, kind, feature)
) WITHOUT ROWID;
CREATE INDEX idx_best_scores_value ON feature_best_scores(dictionary_id, kind, value, feature);

CREATE TABLE probe_results (
  probe_id         INTEGER PRIMARY KEY,
  concept          TEXT NOT NULL,
  model_id         INTEGER NOT NULL REFERENCES models(model_id),
  hook             TEXT NOT NULL,
  dictionary_id    INTEGER REFERENCES dictionaries(dictionary_id),   -- NULL for neuron probes
  unit_kind        TEXT NOT NULL CHECK (unit_kind IN ('neuron', 'feature')),
  k                INTEGER NOT NULL,
  method           TEXT NOT NULL,
  metrics_json     TEXT NOT NULL DEFAULT '{}',  -- accuracy, f1, mcc, roc_auc, pr_auc (test split)
  provenance_json  TEXT NOT NULL DEFAULT '{}',
  created_at       TEXT NOT NULL
);
CREATE INDEX idx_probe_concept ON probe_results(concept, unit_kind, k);

CREATE TABLE probe_units (
  probe_id   INTEGER NOT NULL REFERENCES probe_results(probe_id) ON DELETE CASCADE,
  slot       INTEGER NOT NULL,
  unit       INTEGER NOT NULL,
  weight     REAL NOT NULL,
  PRIMARY KEY (probe_id, slot)
) WITHOUT ROWID;
CREATE INDEX idx_probe_units_unit ON probe_units(unit, probe_id);
