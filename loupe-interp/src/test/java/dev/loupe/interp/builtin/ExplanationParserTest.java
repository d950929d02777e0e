package dev.loupe.interp.builtin;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExplanationParserTest {
    @Test void quotedTokensFire() {
        assertEquals(List.of(Rule.token(Set.of("red", "black", "yellow"), 10)),
                ExplanationParser.parse("instances of the words \"red\", \"black\", and \"yellow\"").rules());
        assertEquals(List.of(Rule.token(Set.of("<"), 10)), ExplanationParser.parse("the character “<”").rules());
    }

    @Test void leftAndRightContexts() {
        assertEquals(List.of(Rule.after(Set.of("of"), 10)),
                ExplanationParser.parse("positions in the passage following the word \"of\"").rules());
        assertEquals(List.of(Rule.before(Set.of("an"), 10)),
                ExplanationParser.parse("positions in the sentence where the next word is likely to be \"an\"").rules());
        assertEquals(List.of(Rule.token(Set.of("months"), 10).withRequires(Set.of("in"), 3)),
                ExplanationParser.parse("the word \"months\" when preceded by \"in\"").rules());
    }

    @Test void negationAndExceptions() {
        assertEquals(List.of(Rule.token(Set.of("stop", "halt"), 10).withRequires(ExplanationParser.NEGATIONS, 3)),
                ExplanationParser.parse("the words \"stop\" and \"halt\", but only when negated").rules());
        // counter-examples after "but not" are ignored; a context there becomes "unless"
        assertEquals(List.of(Rule.token(Set.of("running", "walking"), 10)),
                ExplanationParser.parse("motion using feet (e.g. \"running\", \"walking\"), but not flying (e.g. \"flying\")").rules());
        assertEquals(List.of(Rule.token(Set.of("bank"), 10).withUnless(Set.of("river"), 3)),
                ExplanationParser.parse("the word \"bank\" but not when preceded by \"river\"").rules());
    }

    @Test void conceptsWithoutQuotesParseToNothing() {
        assertTrue(ExplanationParser.parse("words related to colors and nothing else").rules().isEmpty());
        assertEquals(List.of(Rule.position(0, 10)), ExplanationParser.parse("the first word of the excerpt").rules());
    }
}
