package org.jacobi.io;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** A small JSON writer for maps, lists, strings, numbers, booleans and null (enough for our outputs). */
public final class Json {
    private Json() {
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, true);
        return sb.toString();
    }

    /** Single-line JSON. */
    public static String writeCompact(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, false);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, boolean pretty) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? formatDouble(d) : "null");
        } else if (v instanceof Number) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                newline(sb, indent + 1, pretty);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), indent + 1, pretty);
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            if (!map.isEmpty()) {
                newline(sb, indent, pretty);
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> list) {
            sb.append('[');
            Iterator<?> it = list.iterator();
            boolean any = it.hasNext();
            while (it.hasNext()) {
                Object item = it.next();
                write(sb, item, indent + 1, false);
                if (it.hasNext()) {
                    sb.append(pretty ? ", " : ",");
                }
            }
            if (!any) {
                sb.setLength(sb.length());
            }
            sb.append(']');
        } else if (v instanceof long[] a) {
            write(sb, Arrays.stream(a).boxed().toList(), indent, pretty);
        } else if (v instanceof double[] a) {
            write(sb, Arrays.stream(a).boxed().toList(), indent, pretty);
        } else {
            quote(sb, v.toString());
        }
    }

    private static String formatDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        return Double.toString(d);
    }

    private static void newline(StringBuilder sb, int indent, boolean pretty) {
        if (pretty) {
            sb.append('\n').append("  ".repeat(indent));
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
