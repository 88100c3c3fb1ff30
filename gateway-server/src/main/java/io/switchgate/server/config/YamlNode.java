package io.switchgate.server.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping with its full key path, read key by key. Unknown keys are refused when the node is
 * made, so a misspelt key is reported as unknown rather than as a missing one. Values written
 * {@code env:NAME} are read from the environment.
 */
final class YamlNode {

    private final String path;
    private final Map<String, Object> map;
    private final Function<String, String> env;

    private YamlNode(String path, Map<String, Object> map, Function<String, String> env) {
        this.path = path;
        this.map = map;
        this.env = env;
    }

    /** A mapping at {@code path}; null or absent values give an empty mapping. */
    static YamlNode of(String path, Object value, Function<String, String> env, String... allowedKeys) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (value != null) {
            if (!(value instanceof Map<?, ?> m)) {
                throw new ConfigException(path, "expected a mapping (key: value), found " + describe(value));
            }
            Set<String> allowed = Set.of(allowedKeys);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (!allowed.contains(k)) {
                    throw new ConfigException(child(path, k), "unknown key (allowed here: " + String.join(", ", allowedKeys) + ")");
                }
                map.put(k, e.getValue());
            }
        }
        return new YamlNode(path, map, env);
    }

    String path() {
        return path;
    }

    String path(String key) {
        return child(path, key);
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    YamlNode node(String key, String... allowedKeys) {
        return of(path(key), map.get(key), env, allowedKeys);
    }

    /** The list at {@code key} (absent = empty), each element as a mapping. */
    List<YamlNode> nodes(String key, String... allowedKeys) {
        Object v = map.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new ConfigException(path(key), "expected a list, found " + describe(v));
        }
        List<YamlNode> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = path(key) + "[" + i + "]";
            if (list.get(i) == null) {
                throw new ConfigException(p, "empty list entry");
            }
            out.add(of(p, list.get(i), env, allowedKeys));
        }
        return out;
    }

    /** A list of scalars; a single scalar is taken as a list of one. Absent = empty. */
    List<String> strings(String key) {
        Object v = map.get(key);
        if (v == null) {
            return List.of();
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(scalar(path(key) + "[" + i + "]", list.get(i)));
        }
        return List.copyOf(out);
    }

    /** A string value, or {@code def} when absent. */
    String str(String key, String def) {
        Object v = map.get(key);
        return v == null ? def : scalar(path(key), v);
    }

    String reqStr(String key) {
        String s = str(key, null);
        if (s == null) {
            throw new ConfigException(path(key), "missing (required)");
        }
        return s;
    }

    /** The value as written, without reading {@code env:} (null when absent). */
    String literal(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(path(key), "expected a single value, found " + describe(v));
        }
        return String.valueOf(v);
    }

    long lng(String key, Long def, long min, long max) {
        Object v = map.get(key);
        if (v == null) {
            if (def == null) {
                throw new ConfigException(path(key), "missing (required)");
            }
            return def;
        }
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof BigInteger) {
            throw new ConfigException(path(key), v + " is out of range " + min + ".." + max);
        } else if (v instanceof String s) {
            String r = resolve(path(key), s).trim();
            try {
                n = Long.parseLong(r);
            } catch (NumberFormatException e) {
                throw new ConfigException(path(key), "'" + r + "' is not a whole number");
            }
        } else {
            throw new ConfigException(path(key), "expected a whole number, found " + describe(v));
        }
        if (n < min || n > max) {
            throw new ConfigException(path(key), n + " is out of range " + min + ".." + max);
        }
        return n;
    }

    int integer(String key, Integer def, int min, int max) {
        return (int) lng(key, def == null ? null : (long) def, min, max);
    }

    boolean bool(String key, boolean def) {
        Object v = map.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String r = resolve(path(key), s).trim();
            if (r.equalsIgnoreCase("true")) {
                return true;
            }
            if (r.equalsIgnoreCase("false")) {
                return false;
            }
            throw new ConfigException(path(key), "'" + r + "' is not true or false");
        }
        throw new ConfigException(path(key), "expected true or false, found " + describe(v));
    }

    /** A string from one of {@code allowed}. */
    String oneOf(String key, String def, String... allowed) {
        String s = def == null ? reqStr(key) : str(key, def);
        if (!Arrays.asList(allowed).contains(s)) {
            throw new ConfigException(path(key), "'" + s + "' is not one of " + String.join(" | ", allowed));
        }
        return s;
    }

    String scalar(String p, Object v) {
        if (v instanceof String s) {
            return resolve(p, s);
        }
        if (v instanceof Number && !(v instanceof Double || v instanceof Float)) {
            return v.toString();
        }
        throw new ConfigException(p, "expected a text value, found " + describe(v) + " (quote it)");
    }

    /** Reads {@code env:NAME} from the environment; other values are returned unchanged. */
    String resolve(String p, String s) {
        if (!s.startsWith("env:")) {
            return s;
        }
        String name = s.substring(4).trim();
        if (name.isEmpty()) {
            throw new ConfigException(p, "'env:' names no environment variable");
        }
        String value = env.apply(name);
        if (value == null) {
            throw new ConfigException(p, "environment variable " + name + " is not set");
        }
        return value;
    }

    static String child(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }

    static String describe(Object v) {
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof Boolean) {
            return "a boolean (" + v + ")";
        }
        if (v instanceof Double || v instanceof Float) {
            return "a decimal number (" + v + ")";
        }
        if (v instanceof Number) {
            return "a number (" + v + ")";
        }
        return "'" + v + "'";
    }
}
