package io.ragstream.embedding;

/**
 * How the in-process embedder runs its model.
 *
 * @param batchSize the most texts run through the model at once; texts are sorted by length first, so a batch pads
 *     only to its own longest text
 * @param threads ONNX Runtime intra-op threads; the cores available by default
 */
public record EmbedderOptions(int batchSize, int threads) {

    /** Measured by the {@code bench} module: on 2 cores larger batches gain little and cost memory. */
    public static final int DEFAULT_BATCH_SIZE = 8;

    public EmbedderOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("embedding batch size is " + batchSize + "; it must be ≥ 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("embedding threads is " + threads + "; it must be ≥ 1");
        }
    }

    public static EmbedderOptions defaults() {
        return new EmbedderOptions(DEFAULT_BATCH_SIZE, Runtime.getRuntime().availableProcessors());
    }

    public EmbedderOptions withBatchSize(int value) {
        return new EmbedderOptions(value, threads);
    }
}
