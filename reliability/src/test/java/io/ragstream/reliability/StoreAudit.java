package io.ragstream.reliability;

import io.ragstream.chunker.Chunker;
import io.ragstream.chunker.ChunkerSettings;
import io.ragstream.chunker.DocumentChunking;
import io.ragstream.chunker.Parsers;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.Chunk;
import io.ragstream.model.RawDocument;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.VectorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the store with the state the event log says it must hold. The chunks each live document must have are cut
 * here, by the chunker's own code with its default settings, from the document's latest version.
 *
 * <ul>
 *   <li>lost: a chunk of a live document's latest version that is not in the store;
 *   <li>stale: a chunk in the store that is not one of those (an older version, or a deleted document);
 *   <li>duplicate: a chunk held more than once.
 * </ul>
 */
final class StoreAudit implements AutoCloseable {

    /** What one audit found. */
    record Result(long expectedChunks, long storedChunks, long lost, long stale, long duplicate) {}

    private final Tokenizer tokenizer;
    private final Parsers parsers;
    private final DocumentChunking chunking;

    StoreAudit() {
        OnnxModel model = OnnxModel.bgeSmallEnV15Quantized();
        tokenizer = model.loadTokenizer();
        parsers = new Parsers(5_000_000, Duration.ofSeconds(60));
        chunking = new DocumentChunking(
                parsers, new Chunker(tokenizer, ChunkerSettings.forModel(model.spec(), tokenizer)), Clock.systemUTC());
    }

    Result audit(VectorStore store, String collection, String tenant, Map<String, Optional<RawDocument>> expected) {
        long expectedChunks = 0;
        long lost = 0;
        long stale = 0;
        long duplicate = 0;
        long seen = 0;
        for (var entry : expected.entrySet()) {
            Set<String> wanted = entry.getValue()
                    .map(document -> Set.copyOf(chunking.chunk(document).chunks().stream()
                            .map(Chunk::chunkId)
                            .toList()))
                    .orElse(Set.of());
            List<ChunkRecord> stored = store.chunksOf(collection, entry.getKey());
            Set<String> distinct = new HashSet<>();
            for (ChunkRecord chunk : stored) {
                if (!distinct.add(chunk.chunkId())) {
                    duplicate++;
                } else if (!wanted.contains(chunk.chunkId())) {
                    stale++;
                }
            }
            lost += wanted.stream().filter(id -> !distinct.contains(id)).count();
            expectedChunks += wanted.size();
            seen += stored.size();
        }
        // Chunks of documents the log never mentioned would be stale too.
        long total = store.count(collection, SearchFilter.tenant(tenant));
        stale += Math.max(0, total - seen);
        return new Result(expectedChunks, total, lost, stale, duplicate);
    }

    @Override
    public void close() {
        parsers.close();
        tokenizer.close();
    }
}
