package io.procos.web.internal;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON Schemas (OpenAPI 3.0's dialect) of Java types as Jackson writes them: a record is an object of its
 * components (described by {@link Dto.Doc}), kept once under {@code components/schemas} by its simple name and
 * referred to; a map an object; a collection or array an array; an enum its names.
 */
final class Schemas {

    private final Map<String, Object> named = new TreeMap<>();
    private final Map<String, Class<?>> owners = new LinkedHashMap<>();

    /** The schemas of the records referred to so far, by name. */
    Map<String, Object> named() {
        return named;
    }

    /** The schema of a type, or a reference to it. */
    Object of(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Map.class.isAssignableFrom(raw))
                return map("type", "object", "additionalProperties", any(p.getActualTypeArguments()[1]));
            if (Collection.class.isAssignableFrom(raw))
                return map("type", "array", "items", of(p.getActualTypeArguments()[0]));
            return of(raw);
        }
        if (type instanceof GenericArrayType a) return map("type", "array", "items", of(a.getGenericComponentType()));
        Class<?> c = (Class<?>) type;
        if (c == String.class || c == char.class || c == Character.class) return map("type", "string");
        if (c == boolean.class || c == Boolean.class) return map("type", "boolean");
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class)
            return map("type", "integer", "format", "int32");
        if (c == long.class || c == Long.class) return map("type", "integer", "format", "int64");
        if (c == double.class || c == Double.class || c == float.class || c == Float.class)
            return map("type", "number");
        if (c == Instant.class || c == OffsetDateTime.class) return map("type", "string", "format", "date-time");
        if (c.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) names.add(((Enum<?>) constant).name());
            return map("type", "string", "enum", names);
        }
        if (c.isArray()) return map("type", "array", "items", of(c.getComponentType()));
        if (Map.class.isAssignableFrom(c)) return map("type", "object", "additionalProperties", true);
        if (Collection.class.isAssignableFrom(c)) return map("type", "array", "items", map());
        if (c.isRecord()) return ref(c);
        if (c == Object.class) return map(); // any JSON value
        throw new IllegalArgumentException("no schema for " + c.getName() + ": describe bodies with records");
    }

    private Object any(Type type) {
        return type == Object.class ? Boolean.TRUE : of(type);
    }

    private Map<String, Object> ref(Class<?> record) {
        String name = record.getSimpleName();
        Class<?> owner = owners.putIfAbsent(name, record);
        if (owner != null && owner != record)
            throw new IllegalStateException(
                    "two records are named " + name + ": " + owner.getName() + " and " + record.getName());
        if (owner == null) {
            Map<String, Object> schema = new LinkedHashMap<>();
            named.put(name, schema); // before its components, so that a record that refers to itself ends
            Map<String, Object> properties = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            for (RecordComponent rc : record.getRecordComponents()) {
                Object property = of(rc.getGenericType());
                Dto.Doc doc = rc.getAnnotation(Dto.Doc.class);
                if (doc != null) {
                    // a description beside a $ref is ignored in OpenAPI 3.0: wrap the reference
                    if (property instanceof Map<?, ?> m && m.containsKey("$ref"))
                        property = map("allOf", List.of(property), "description", doc.value());
                    else if (property instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> described = new LinkedHashMap<>((Map<String, Object>) m);
                        described.put("description", doc.value());
                        property = described;
                    }
                    if (doc.required()) required.add(rc.getName());
                }
                properties.put(rc.getName(), property);
            }
            schema.put("type", "object");
            schema.put("properties", properties);
            if (!required.isEmpty()) schema.put("required", required);
        }
        return map("$ref", "#/components/schemas/" + name);
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /** Whether a class stands for "no body" in an {@link ApiOperation}. */
    static boolean none(Class<?> c) {
        return c == Void.class || c == void.class;
    }
}
