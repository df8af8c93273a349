package dev.braid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reader of the JSON text braid returns (for the results the binding turns into objects):
 * objects become Maps, arrays Lists, numbers Doubles, strings, booleans and null themselves.
 */
final class JsonReader {
    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /**
     * @param text a JSON value
     * @return it as Java objects
     * @throws ParseException for malformed text
     */
    static Object parse(String text) {
        JsonReader r = new JsonReader(text);
        Object value = r.value();
        r.skipSpace();
        if (r.pos != text.length()) {
            throw r.error("unexpected text after the value");
        }
        return value;
    }

    private ParseException error(String what) {
        return new ParseException(Status.PARSE, "JSON from braid at offset " + pos + ": " + what);
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            ++pos;
        }
    }

    private boolean consume(char c) {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == c) {
            ++pos;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!consume(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{': {
                ++pos;
                Map<String, Object> map = new LinkedHashMap<>();
                if (consume('}')) {
                    return map;
                }
                do {
                    skipSpace();
                    if (pos >= text.length() || text.charAt(pos) != '"') {
                        throw error("expected a key");
                    }
                    String key = string();
                    expect(':');
                    map.put(key, value());
                } while (consume(','));
                expect('}');
                return map;
            }
            case '[': {
                ++pos;
                List<Object> list = new ArrayList<>();
                if (consume(']')) {
                    return list;
                }
                do {
                    list.add(value());
                } while (consume(','));
                expect(']');
                return list;
            }
            case '"':
                return string();
            default:
                return literal();
        }
    }

    private String string() {
        ++pos; // the opening quote
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"': out.append('"'); break;
                case '\\': out.append('\\'); break;
                case '/': out.append('/'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                    break;
                default:
                    throw error("bad escape \\" + e);
            }
        }
        throw error("unterminated string");
    }

    private Object literal() {
        int start = pos;
        while (pos < text.length() && ",]} \t\r\n".indexOf(text.charAt(pos)) < 0) {
            ++pos;
        }
        String word = text.substring(start, pos);
        switch (word) {
            case "null": return null;
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            default:
                try {
                    return Double.valueOf(word);
                } catch (NumberFormatException e) {
                    pos = start;
                    throw error("unexpected '" + word + "'");
                }
        }
    }
}
