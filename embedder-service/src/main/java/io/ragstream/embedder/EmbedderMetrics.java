package io.ragstream.embedder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The embedder's metrics, named as Prometheus shows them: {@code ragstream_chunks_embedded_total} and so on. */
public final class EmbedderMetrics {

    private final Counter chunksEmbedded;
    private final Timer batch;
    private final DistributionSummary batchChunks;
    private final Timer embed;
    private final Timer storeWrite;
    private final Counter retries;
    private final Counter deadLetters;
    private final Counter superseded;

    public EmbedderMetrics(MeterRegistry registry, CachingEmbedder cache) {
        chunksEmbedded = Counter.builder("ragstream.chunks.embedded")
                .description("Chunks written to the vector store")
                .register(registry);
        batch = Timer.builder("ragstream.embed.batch")
                .description("Time to index one batch, from decoding to committed offsets")
                .publishPercentileHistogram()
                .register(registry);
        batchChunks = DistributionSummary.builder("ragstream.embed.batch.chunks")
                .description("Chunks per batch")
                .register(registry);
        embed = Timer.builder("ragstream.embed")
                .description("Time spent embedding")
                .register(registry);
        storeWrite = Timer.builder("ragstream.store.write")
                .description("Time spent writing to the vector store")
                .register(registry);
        retries = Counter.builder("ragstream.embedder.retries")
                .description("Attempts that failed because the store or the model endpoint was unavailable")
                .register(registry);
        deadLetters = Counter.builder("ragstream.dlq.records")
                .tag("stage", EmbedderLoop.STAGE)
                .description("Records sent to a dead-letter topic")
                .register(registry);
        superseded = Counter.builder("ragstream.embedder.superseded")
                .description("Document versions not written because the store held a later version of the document"
                        + " (a replayed, late or zombie batch)")
                .register(registry);
        FunctionCounter.builder("ragstream.embedding.cache.hits", cache, CachingEmbedder::hits)
                .description("Chunks whose vector came from the cache")
                .register(registry);
        FunctionCounter.builder("ragstream.embedding.cache.misses", cache, CachingEmbedder::misses)
                .description("Chunks the model had to embed")
                .register(registry);
    }

    void recordBatch(BatchIndexer.Outcome outcome) {
        chunksEmbedded.increment(outcome.chunksWritten());
        embed.record(outcome.embedNanos(), TimeUnit.NANOSECONDS);
        storeWrite.record(outcome.writeNanos(), TimeUnit.NANOSECONDS);
        superseded.increment(outcome.superseded());
    }

    void batchSeconds(long nanos, int chunks) {
        batch.record(nanos, TimeUnit.NANOSECONDS);
        batchChunks.record(chunks);
    }

    void retry() {
        retries.increment();
    }

    void deadLetter() {
        deadLetters.increment();
    }
}
