// The Java lexer on hand-made snippets: every span checked against offsets counted by hand.
package dev.loupe.probe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JavaLexerTest {
    private static List<String> texts(String s, JavaLexer.Kind kind) {
        return JavaLexer.lex(s, kind).stream().map(sp -> s.substring(sp.start(), sp.end())).toList();
    }

    @Test
    void findsJavadocCommentsStringsCharsAndIdentifiers() {
        String s = """
                /** Doc "not a string". */
                /**/ /* plain */ // line "x"
                class A { String s = "a\\"b // c"; char c = '\\''; int n2 = 0x1F + 1.5e3; }
                """;
        assertEquals(List.of("/** Doc \"not a string\". */"), texts(s, JavaLexer.Kind.JAVADOC));
        assertEquals(List.of("/**/", "/* plain */", "// line \"x\""), texts(s, JavaLexer.Kind.COMMENT));
        assertEquals(List.of("\"a\\\"b // c\""), texts(s, JavaLexer.Kind.STRING));
        assertEquals(List.of("'\\''"), texts(s, JavaLexer.Kind.CHAR));
        assertEquals(List.of("A", "String", "s", "c", "n2"), texts(s, JavaLexer.Kind.IDENTIFIER));
        JavaLexer.Span doc = JavaLexer.lex(s, JavaLexer.Kind.JAVADOC).getFirst();
        assertEquals(0, doc.start());
        assertEquals(26, doc.end());
    }

    @Test
    void textBlocksAndUnterminatedLiteralsEndSensibly() {
        String s = "x = \"\"\"\n  a \"q\" b\n  \"\"\"; y = \"open\nz";
        assertEquals(List.of("\"\"\"\n  a \"q\" b\n  \"\"\"", "\"open"), texts(s, JavaLexer.Kind.STRING));
        assertEquals(List.of("x", "y", "z"), texts(s, JavaLexer.Kind.IDENTIFIER));
    }

    @Test
    void importLinesIncludeTheirNewlineAndSkipCommentsAndCode() {
        String s = "package p;\nimport java.util.List;\n  import static java.lang.Math.max;\n// import no.Such;\nclass B { void importX() {} }\nimport last.One;";
        assertEquals(List.of("import java.util.List;\n", "  import static java.lang.Math.max;\n", "import last.One;"),
                texts(s, JavaLexer.Kind.IMPORT_LINE));
        assertTrue(texts(s, JavaLexer.Kind.IDENTIFIER).containsAll(List.of("java", "util", "List", "importX", "last", "One")));
        assertFalse(texts(s, JavaLexer.Kind.IDENTIFIER).contains("import"));
    }
}
