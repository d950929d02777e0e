// JSON encodings of the lists the feature store keeps as one row per feature (schema V004): a logit
// table's positive or negative entries, [[token_id, token, value], ...] best first; a feature's
// per-token table, [[token_id, token, count, mean_act], ...] by mean_act (largest first), then token
// id; and its range tokens, [[bin, token_id, token, count], ...] by bin, then count (largest first),
// then token id. They are read whole, for a feature page, so one row saves a row per entry on write.
// The V004 migration and the read-only views of older stores (read-V002.sql) build the same arrays
// in SQL, and the publishing transaction reads the token tables with json_each; numbers round-trip
// exactly (Jackson and SQLite >= 3.53 both print the shortest exact form).
package dev.loupe.store;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

final class PackedRows {
    private PackedRows() {}

    static String logits(List<LogitEntry> entries) {
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (LogitEntry e : entries) rows.add(new Object[] {e.tokenId(), e.token(), e.value()});
        return Json.write(rows);
    }

    static List<LogitEntry> logits(String json, String column) {
        List<LogitEntry> out = new ArrayList<>();
        for (JsonNode e : Json.array(json, column)) out.add(new LogitEntry(e.path(0).asInt(), e.path(1).asText(), e.path(2).floatValue()));
        return out;
    }

    /** By mean activation, largest first, then token id. */
    static String tokens(List<TokenStat> stats) {
        List<TokenStat> ts = new ArrayList<>(stats);
        ts.sort(Comparator.comparingDouble(TokenStat::meanAct).reversed().thenComparingInt(TokenStat::tokenId));
        List<Object[]> rows = new ArrayList<>(ts.size());
        for (TokenStat t : ts) rows.add(new Object[] {t.tokenId(), t.token(), t.count(), t.meanAct()});
        return Json.write(rows);
    }

    static List<TokenStat> tokens(String json, String column) {
        List<TokenStat> out = new ArrayList<>();
        for (JsonNode e : Json.array(json, column)) out.add(new TokenStat(e.path(0).asInt(), e.path(1).asText(), e.path(2).asLong(), e.path(3).asDouble()));
        return out;
    }

    /** Bins in order; within a bin by count (largest first), then token id. */
    static String ranges(SortedMap<Integer, List<TokenStat>> bins) {
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<TokenStat>> b : bins.entrySet()) {
            List<TokenStat> ts = new ArrayList<>(b.getValue());
            ts.sort(Comparator.comparingLong(TokenStat::count).reversed().thenComparingInt(TokenStat::tokenId));
            for (TokenStat t : ts) rows.add(new Object[] {b.getKey(), t.tokenId(), t.token(), t.count()});
        }
        return Json.write(rows);
    }

    static TreeMap<Integer, List<TokenStat>> ranges(String json, String column) {
        TreeMap<Integer, List<TokenStat>> out = new TreeMap<>();
        for (JsonNode e : Json.array(json, column))
            out.computeIfAbsent(e.path(0).asInt(), b -> new ArrayList<>()).add(new TokenStat(e.path(1).asInt(), e.path(2).asText(), e.path(3).asLong(), Double.NaN));
        return out;
    }
}
