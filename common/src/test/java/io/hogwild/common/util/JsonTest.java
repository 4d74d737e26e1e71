package io.hogwild.common.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest
{
    @Test
    void shouldPrintNumbersWithoutLosingTheIntegerPart()
    {
        assertEquals("120000", Json.number(120000.0));
        assertEquals("100000", Json.number(100000.4));
        assertEquals("0.8496", Json.number(0.8496));
        assertEquals("1.5", Json.number(1.5));
        assertEquals("1e-05", Json.number(1e-5));
        assertEquals("-2.5e+10", Json.number(-2.5e10));
    }

    @Test
    void shouldEscapeTextAndNestObjects()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", "a \"quoted\"\nline");
        map.put("values", List.of(1, 2.5, Double.NaN));
        map.put("none", null);
        assertEquals("{\n  \"name\": \"a \\\"quoted\\\"\\nline\",\n  \"values\": [1, 2.5, null],\n  \"none\": null\n}\n",
            Json.write(map));
    }
}
