-- Loupe feature store, schema version 3 (faster analysis writes).
-- examples_fts is filled once per analysis, when the run is published (AnalysisWriter.commit runs
-- INSERT INTO examples_fts ... SELECT over the run's top and quantile examples in the publishing
-- transaction), instead of by a trigger per inserted row. So the full-text index holds exactly the
-- non-random examples of published runs ('complete' or 'superseded'); rows of a run still being
-- written (or killed) were never indexed, and deleting them must not touch the index.
-- The rows a V002 trigger indexed for runs that are still 'writing' are taken out of the index here.

DROP TRIGGER examples_fts_insert;
DROP TRIGGER examples_fts_delete;

INSERT INTO examples_fts(examples_fts, rowid, text)
  SELECT 'delete', example_id, text FROM examples
  WHERE kind <> 'random' AND run_id IN (SELECT run_id FROM analysis_runs WHERE status = 'writing');

CREATE TRIGGER examples_fts_delete AFTER DELETE ON examples
  WHEN old.kind <> 'random'
   AND (SELECT status FROM analysis_runs WHERE run_id = old.run_id) IN ('complete', 'superseded') BEGIN
  INSERT INTO examples_fts(examples_fts, rowid, text) VALUES ('delete', old.example_id, old.text);
END;
