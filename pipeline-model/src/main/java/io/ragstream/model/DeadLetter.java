package io.ragstream.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Why a record went to a dead-letter topic, carried as headers beside the original key and value.
 *
 * @param stage the pipeline stage that gave up on the record, e.g. {@code chunker} or {@code embedder}
 * @param errorClass the class of the error, so failures can be grouped
 * @param errorMessage what was wrong, naming the input and the rule it broke
 */
public record DeadLetter(
        String stage,
        String errorClass,
        String errorMessage,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        Instant failedAt) {

    public static final String STAGE = "ragstream.dlq.stage";
    public static final String ERROR_CLASS = "ragstream.dlq.error.class";
    public static final String ERROR_MESSAGE = "ragstream.dlq.error.message";
    public static final String SOURCE_TOPIC = "ragstream.dlq.source.topic";
    public static final String SOURCE_PARTITION = "ragstream.dlq.source.partition";
    public static final String SOURCE_OFFSET = "ragstream.dlq.source.offset";
    public static final String FAILED_AT = "ragstream.dlq.failed.at";

    /** Headers are part of the record's size; a longer message is cut to this many characters. */
    public static final int MAX_MESSAGE_CHARS = 4_000;

    public DeadLetter {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(errorMessage, "errorMessage");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(failedAt, "failedAt");
        if (errorMessage.length() > MAX_MESSAGE_CHARS) {
            errorMessage = errorMessage.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
        }
    }

    /** Describes an error raised while a stage processed the record at topic/partition/offset. */
    public static DeadLetter of(String stage, Throwable error, String sourceTopic, int partition, long offset) {
        String message =
                Optional.ofNullable(error.getMessage()).orElse(error.getClass().getSimpleName());
        return new DeadLetter(
                stage, error.getClass().getName(), message, sourceTopic, partition, offset, Instant.now());
    }

    /** Adds these facts to a record's headers. */
    public void writeTo(Headers headers) {
        put(headers, STAGE, stage);
        put(headers, ERROR_CLASS, errorClass);
        put(headers, ERROR_MESSAGE, errorMessage);
        put(headers, SOURCE_TOPIC, sourceTopic);
        put(headers, SOURCE_PARTITION, Integer.toString(sourcePartition));
        put(headers, SOURCE_OFFSET, Long.toString(sourceOffset));
        put(headers, FAILED_AT, failedAt.toString());
    }

    /** Reads the facts back from a dead-letter record's headers; empty when the record carries none. */
    public static Optional<DeadLetter> readFrom(Headers headers) {
        Optional<String> stage = get(headers, STAGE);
        if (stage.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DeadLetter(
                stage.get(),
                get(headers, ERROR_CLASS).orElse(""),
                get(headers, ERROR_MESSAGE).orElse(""),
                get(headers, SOURCE_TOPIC).orElse(""),
                get(headers, SOURCE_PARTITION).map(Integer::parseInt).orElse(-1),
                get(headers, SOURCE_OFFSET).map(Long::parseLong).orElse(-1L),
                get(headers, FAILED_AT).map(Instant::parse).orElse(Instant.EPOCH)));
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> get(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
