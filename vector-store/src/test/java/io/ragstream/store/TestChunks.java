package io.ragstream.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** Chunks and vectors for store tests: one chunk at a time with defaults for what a test does not care about. */
final class TestChunks {

    static final int DIMENSION = 384;
    static final Instant INGESTED_AT = Instant.parse("2026-11-22T10:00:00Z");

    private String tenant = "acme";
    private final String docId;
    private String version = "v1";
    private final int ordinal;
    private String source = "web";
    private String uri;
    private Optional<String> title = Optional.empty();
    private String text;
    private List<String> headingPath = List.of();
    private List<String> tags = List.of();
    private Map<String, String> metadata = Map.of();
    private Instant ingestedAt = INGESTED_AT;
    private long sequence;

    private TestChunks(String docId, int ordinal) {
        this.docId = docId;
        this.ordinal = ordinal;
        this.uri = "https://example.com/" + docId;
        this.text = "chunk " + ordinal + " of " + docId;
    }

    static TestChunks chunk(String docId, int ordinal) {
        return new TestChunks(docId, ordinal);
    }

    TestChunks tenant(String value) {
        tenant = value;
        return this;
    }

    /** The version, and a sequence that follows it: {@code v7} is at sequence 7, any other version at 0. */
    TestChunks version(String value) {
        version = value;
        sequence = value.matches("v\\d+") ? Long.parseLong(value.substring(1)) : 0;
        return this;
    }

    TestChunks sequence(long value) {
        sequence = value;
        return this;
    }

    TestChunks source(String value) {
        source = value;
        return this;
    }

    TestChunks uri(String value) {
        uri = value;
        return this;
    }

    TestChunks title(String value) {
        title = Optional.of(value);
        return this;
    }

    TestChunks text(String value) {
        text = value;
        return this;
    }

    TestChunks headingPath(String... values) {
        headingPath = List.of(values);
        return this;
    }

    TestChunks tags(String... values) {
        tags = List.of(values);
        return this;
    }

    TestChunks metadata(Map<String, String> value) {
        metadata = value;
        return this;
    }

    TestChunks ingestedAt(Instant value) {
        ingestedAt = value;
        return this;
    }

    /** The chunk id rule of {@code io.ragstream.model.Ids}, with the version written beside the sequence. */
    String chunkId() {
        return docId + "#" + version + "@" + sequence + "#" + ordinal;
    }

    ChunkRecord record() {
        return new ChunkRecord(
                chunkId(),
                docId,
                tenant,
                version,
                sequence,
                source,
                uri,
                title,
                ordinal,
                text,
                headingPath,
                tags,
                metadata,
                ingestedAt);
    }

    EmbeddedChunk embedded(float[] vector) {
        return new EmbeddedChunk(record(), vector);
    }

    static float[] randomUnitVector(Random random) {
        float[] vector = new float[DIMENSION];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return normalised(vector);
    }

    /** A unit vector close to {@code vector}: each component moved by Gaussian noise of the given deviation. */
    static float[] perturbed(float[] vector, double deviation, Random random) {
        float[] copy = vector.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] += (float) (random.nextGaussian() * deviation);
        }
        return normalised(copy);
    }

    /** The unit vector along {@code a * x + b * y}. */
    static float[] mix(double a, float[] x, double b, float[] y) {
        float[] sum = new float[x.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = (float) (a * x[i] + b * y[i]);
        }
        return normalised(sum);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }

    private static float[] normalised(float[] vector) {
        double norm = 0;
        for (float x : vector) {
            norm += x * x;
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= inverse;
        }
        return vector;
    }
}
