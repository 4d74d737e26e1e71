package io.hogwild.common.util;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** A small JSON writer for the run directory's files and {@code inspect --json}: maps, lists, numbers, text. */
public final class Json
{
    private Json()
    {
    }

    /** Renders {@code value} (Map, Collection, long[], Number, Boolean, CharSequence or null) as indented JSON. */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder(256);
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(final StringBuilder out, final Object value, final int depth)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Map<?, ?> map)
        {
            if (map.isEmpty())
            {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                indent(out, depth + 1);
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), depth + 1);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append('}');
        }
        else if (value instanceof Collection<?> list)
        {
            out.append('[');
            int i = 0;
            for (final Object item : list)
            {
                write(out, item, depth + 1);
                if (++i < list.size())
                {
                    out.append(", ");
                }
            }
            out.append(']');
        }
        else if (value instanceof long[] array)
        {
            out.append('[');
            for (int i = 0; i < array.length; i++)
            {
                out.append(i > 0 ? ", " : "").append(array[i]);
            }
            out.append(']');
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            out.append(Double.isFinite(d) ? number(d) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(out, value.toString());
        }
    }

    /** Six significant digits, without trailing zeros of the fraction (and never of the integer part). */
    static String number(final double d)
    {
        final String text = String.format(Locale.ROOT, "%.6g", d);
        final int exponent = text.indexOf('e');
        final String mantissa = exponent < 0 ? text : text.substring(0, exponent);
        final String suffix = exponent < 0 ? "" : text.substring(exponent);
        return (mantissa.indexOf('.') < 0 ? mantissa : mantissa.replaceFirst("\\.?0+$", "")) + suffix;
    }

    private static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void indent(final StringBuilder out, final int depth)
    {
        out.append("  ".repeat(depth));
    }
}
