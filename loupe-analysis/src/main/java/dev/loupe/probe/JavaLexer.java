// A small Java lexer for labelling probing concepts over JDK source text: one left-to-right pass
// that finds Javadoc comments (/** ... */, not the empty /**/), other comments (/* */ and //),
// string literals ("..." and """ text blocks """, quotes included), char literals, identifiers
// (Java identifier characters outside comments and literals, keywords and true/false/null
// excluded) and import lines (a line whose code starts with `import` and ends with `;`, its newline
// included). Spans are Java char offsets [start, end). Not a parser and not javac: no Unicode
// escapes, no nested generics, unterminated comments/literals run to the end of the text/line
// (javac would reject them; probing only needs a sensible label). Agrees with JLS §3.7-3.10 on the
// inputs the JDK sources contain.
package dev.loupe.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

public final class JavaLexer {
    private JavaLexer() {}

    public enum Kind { JAVADOC, COMMENT, STRING, CHAR, IDENTIFIER, IMPORT_LINE }

    public record Span(int start, int end, Kind kind) {}

    private static final Set<String> RESERVED = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
            "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
            "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
            "throw", "throws", "transient", "try", "void", "volatile", "while", "_", "true", "false", "null");

    /** All spans in text order; import lines come after the tokens they contain. */
    public static List<Span> lex(String s) {
        List<Span> out = new ArrayList<>();
        int n = s.length();
        int lineStart = 0;               // start of the current line
        boolean lineHasCode = false;     // a code token already seen on this line
        int importAt = -1;               // line start of an import line in progress
        for (int i = 0; i < n; ) {
            char c = s.charAt(i);
            if (c == '\n') {
                i++;
                lineStart = i;
                lineHasCode = false;
                continue;
            }
            int start = i;
            if (c == '/' && i + 1 < n && (s.charAt(i + 1) == '*' || s.charAt(i + 1) == '/')) {
                boolean block = s.charAt(i + 1) == '*';
                int end = block ? indexOrEnd(s, "*/", i + 2, 2) : lineEnd(s, i);
                boolean javadoc = block && i + 2 < n && s.charAt(i + 2) == '*' && !(i + 3 < n && s.charAt(i + 3) == '/');
                out.add(new Span(start, end, javadoc ? Kind.JAVADOC : Kind.COMMENT));
                // a block comment may cross lines: the line state is that of the line it ends on
                int nl = s.lastIndexOf('\n', end - 1);
                if (nl >= start) { lineStart = nl + 1; lineHasCode = false; }
                i = end;
                continue;
            }
            if (c == '"' || c == '\'') {
                boolean textBlock = c == '"' && s.startsWith("\"\"\"", i);
                int end = textBlock ? textBlockEnd(s, i + 3) : quotedEnd(s, i + 1, c);
                out.add(new Span(start, end, c == '\'' ? Kind.CHAR : Kind.STRING));
                lineHasCode = true;
                int nl = s.lastIndexOf('\n', end - 1);
                if (nl >= start) { lineStart = nl + 1; }
                i = end;
                continue;
            }
            if (Character.isJavaIdentifierStart(c)) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(s.charAt(end))) end++;
                String word = s.substring(i, end);
                if (!RESERVED.contains(word)) out.add(new Span(start, end, Kind.IDENTIFIER));
                else if (word.equals("import") && !lineHasCode) importAt = lineStart;
                lineHasCode = true;
                i = end;
                continue;
            }
            if (Character.isDigit(c)) {       // number literal: digits, letters, '_' and '.' (1.5e3f, 0x1F, 1_000L)
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_' || s.charAt(end) == '.')) end++;
                lineHasCode = true;
                i = end;
                continue;
            }
            if (c == ';' && importAt >= 0) {
                out.add(new Span(importAt, Math.min(n, lineEnd(s, i) + 1), Kind.IMPORT_LINE));
                importAt = -1;
            }
            if (!Character.isWhitespace(c)) lineHasCode = true;
            i++;
        }
        return out;
    }

    /** Spans of one kind, in text order. */
    public static List<Span> lex(String s, Kind kind) {
        return lex(s).stream().filter(sp -> sp.kind() == kind).toList();
    }

    private static int indexOrEnd(String s, String close, int from, int len) {
        int j = s.indexOf(close, from);
        return j < 0 ? s.length() : j + len;
    }

    private static int lineEnd(String s, int from) {
        int j = s.indexOf('\n', from);
        return j < 0 ? s.length() : j;
    }

    /** End of a "..." or '...' literal opened before `from`: after the closing quote, or at the line end. */
    private static int quotedEnd(String s, int from, char quote) {
        for (int j = from; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') j++;
            else if (c == quote) return j + 1;
            else if (c == '\n') return j;
        }
        return s.length();
    }

    private static int textBlockEnd(String s, int from) {
        for (int j = from; j < s.length(); j++) {
            if (s.charAt(j) == '\\') j++;
            else if (s.startsWith("\"\"\"", j)) return j + 3;
        }
        return s.length();
    }
}
