package io.ragstream.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.javaprop.JavaPropsMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a service's configuration record. Later sources win: the record's defaults, then a properties file, then
 * environment variables. Record components become kebab-case keys ({@code chunker.maxTokens} is
 * {@code chunker.max-tokens}), and each key {@code a.b-c} can be set by the variable {@code RAGSTREAM_A_B_C}. Keys under
 * {@code kafka.} are Kafka client settings: they are passed through as they are, and {@code KAFKA_FOO_BAR} sets
 * {@code foo.bar}, the convention of Kafka's own container images.
 */
public final class ConfigBinder {

    /** Environment variables that set ragstream keys start with this. */
    public static final String ENV_PREFIX = "RAGSTREAM_";

    private static final String KAFKA_PREFIX = "kafka.";
    private static final String KAFKA_ENV_PREFIX = "KAFKA_";
    private final JavaPropsMapper mapper;

    public ConfigBinder() {
        mapper = JavaPropsMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Durations and instants read and print as ISO-8601 (PT30S), the form the settings are written in.
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.NON_ABSENT)
                .build();
    }

    /** A bound configuration: the typed record, and the Kafka client settings that pass through to the clients. */
    public record Bound<T>(T config, Map<String, String> kafka) {
        public Bound {
            kafka = Map.copyOf(kafka);
        }
    }

    /**
     * Binds the configuration.
     *
     * @param type the configuration record
     * @param defaults its default values
     * @param file a properties file, when one is given
     * @param environment the process environment (a parameter, so tests pass their own)
     */
    public <T extends Record> Bound<T> bind(
            Class<T> type, T defaults, Optional<Path> file, Map<String, String> environment) {
        Map<String, String> values = new TreeMap<>();
        values.putAll(flatten(defaults));
        Set<String> known = keys(type, "");
        file.ifPresent(path -> readFile(path, known).forEach(values::put));
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                known.stream()
                        .filter(key -> envName(key).equals(name))
                        .findFirst()
                        .ifPresent(key -> values.put(key, value));
            } else if (name.startsWith(KAFKA_ENV_PREFIX)) {
                values.put(
                        KAFKA_PREFIX
                                + name.substring(KAFKA_ENV_PREFIX.length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '.'),
                        value);
            }
        });
        Map<String, String> kafka = new TreeMap<>();
        Properties typed = new Properties();
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
            } else {
                typed.setProperty(key, value);
            }
        });
        return new Bound<>(read(type, typed, file), kafka);
    }

    /**
     * Every setting as {@code key=value} lines, sorted, with secrets masked ({@link Secrets}: by the key's name and by
     * what the value is): print it once at start-up.
     */
    public String describe(Bound<?> bound) {
        Map<String, String> lines = new TreeMap<>(flatten(bound.config()));
        bound.kafka().forEach((key, value) -> lines.put(KAFKA_PREFIX + key, value));
        return lines.entrySet().stream()
                .map(e -> e.getKey() + "=" + Secrets.mask(e.getKey(), e.getValue()))
                .collect(Collectors.joining("\n"));
    }

    /** The environment variable that sets a key: {@code chunker.max-tokens} is {@code RAGSTREAM_CHUNKER_MAX_TOKENS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private <T> T read(Class<T> type, Properties properties, Optional<Path> file) {
        try {
            return mapper.readPropertiesAs(properties, type);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown setting '" + path(e) + "'"
                    + file.map(f -> " in " + f).orElse("") + "; the known settings are " + keys(type, ""));
        } catch (InvalidFormatException e) {
            throw new IllegalArgumentException("setting '%s' is '%s', which is not a valid %s"
                    .formatted(
                            path(e),
                            Secrets.mask(path(e), String.valueOf(e.getValue())),
                            e.getTargetType().getSimpleName()));
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(
                    "setting '" + path(e) + "' is missing or malformed: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the configuration: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
        }
    }

    private Map<String, String> flatten(Object config) {
        try {
            Properties properties = mapper.writeValueAsProperties(config);
            Map<String, String> flat = new TreeMap<>();
            properties.forEach((key, value) -> flat.put(key.toString(), value.toString()));
            return flat;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration as properties", e);
        }
    }

    private static Map<String, String> readFile(Path path, Set<String> known) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.forEach((key, value) -> {
            String name = key.toString().strip();
            if (!name.startsWith(KAFKA_PREFIX) && !known.contains(name)) {
                throw new IllegalArgumentException("unknown setting '" + name + "' in " + path
                        + "; the known settings are " + known + " and kafka.* for Kafka clients");
            }
            values.put(name, value.toString().strip());
        });
        return values;
    }

    /** The keys a configuration record has, kebab-case, dotted by nesting. */
    static Set<String> keys(Class<?> type, String prefix) {
        Set<String> keys = new TreeSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String key = prefix + kebab(component.getName());
            Class<?> componentType = component.getType();
            if (componentType.isRecord()) {
                keys.addAll(keys(componentType, key + "."));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String kebab(String camel) {
        return PropertyNamingStrategies.KebabCaseStrategy.INSTANCE.translate(camel);
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null
                        ? reference.getFieldName()
                        : Integer.toString(reference.getIndex()))
                .collect(Collectors.joining("."));
    }
}
