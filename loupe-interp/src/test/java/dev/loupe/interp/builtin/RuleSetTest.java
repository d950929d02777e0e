package dev.loupe.interp.builtin;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.util.FormatException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleSetTest {
    static final String[] TOKENS = {" I", " did", " not", " stop", " the", " Red", " car", " of", " mine"};

    @Test void rulesFireWhereTheySayAndTakeTheMax() {
        RuleSet rs = new RuleSet(List.of(
                Rule.token(Set.of("red"), 7),
                Rule.after(Set.of("of"), 4),
                Rule.before(Set.of("car"), 2),
                Rule.token(Set.of("stop"), 9).withRequires(Set.of("not"), 3),
                Rule.token(Set.of("car"), 5).withUnless(Set.of("red"), 1),
                Rule.position(0, 1)));
        // " Red" matches case-insensitively (7 > before-"car" 2); " car" is blocked by "red" right before it
        assertArrayEquals(new double[] {1, 0, 0, 9, 0, 7, 0, 0, 4}, rs.apply(TOKENS));
        String[] affirm = {" I", " stop", " the", " car"};
        assertArrayEquals(new double[] {1, 0, 2, 5}, rs.apply(affirm));  // stop without "not": silent; " the" is before "car"
    }

    @Test void jsonRoundTripsAndRejectsGarbage() {
        RuleSet rs = new RuleSet(List.of(Rule.token(Set.of("a", "b"), 3.5), Rule.after(Set.of("of"), 10).withUnless(Set.of("not"), 2)));
        RuleSet back = RuleSet.fromJson(rs.toJson());
        assertEquals(rs, back);
        assertThrows(FormatException.class, () -> RuleSet.fromJson("{\"version\":1,\"rules\":[{\"kind\":\"TOKEN\""));
        assertThrows(FormatException.class, () -> RuleSet.fromJson("{\"version\":2,\"rules\":[]}"));
        assertThrows(FormatException.class, () -> RuleSet.fromJson("{\"version\":1,\"rules\":[{\"kind\":\"TOKEN\",\"tokens\":[],\"weight\":3}]}"));
        assertThrows(FormatException.class, () -> RuleSet.fromJson("{\"version\":1,\"rules\":[{\"kind\":\"TOKEN\",\"tokens\":[\"a\"],\"weight\":11}]}"));
    }

    @Test void describeIsReadable() {
        RuleSet rs = new RuleSet(List.of(Rule.after(Set.of("of"), 6), Rule.token(Set.of("stop"), 9).withRequires(Set.of("not"), 3)));
        assertEquals("the token \"stop\" when preceded by \"not\" (within 3 tokens) (9); the token after \"of\" (6)", rs.describe());
        assertEquals("the token after (whitespace) (5)", new RuleSet(List.of(Rule.after(Set.of("\n"), 5))).describe());
        assertEquals("the token \"\\\"\" (5)", new RuleSet(List.of(Rule.token(Set.of("\""), 5))).describe());
    }

    @Test void baselinesApplyTheirTables() {
        LookupTableSimulator lut = new LookupTableSimulator(Map.of(" red", 2.5, " car", -0.5));
        assertArrayEquals(new double[] {0, 2.5, -0.5, 0}, lut.simulate(new String[] {" the", " red", " car", "red"}));
        WeightBasedSimulator w = new WeightBasedSimulator(new double[] {0.1, 0.2, 0.3}, Map.of("a", 0, "b", 2));
        assertArrayEquals(new double[] {0.1, 0.3, 0}, w.simulate(new String[] {"a", "b", "c"}));
        assertThrows(IllegalArgumentException.class, () -> new WeightBasedSimulator(new double[1], Map.of("a", 4)));
    }
}
