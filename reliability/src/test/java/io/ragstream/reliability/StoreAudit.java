package io.ragstream.reliability;

import io.ragstream.chunker.Chunker;
import io.ragstream.chunker.ChunkerSettings;
import io.ragstream.chunker.DocumentChunking;
import io.ragstream.chunker.Parsers;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
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
            // Chunk ids name the sequence the chunker gave a version, which only the run knows: a chunk is matched by
            // its version, place and text instead.
            Set<String> wanted = entry.getValue()
                    .map(document -> Set.copyOf(chunking.chunk(document, 0).chunks().stream()
                            .map(chunk -> key(document.version(), chunk.ordinal(), chunk.text()))
                            .toList()))
                    .orElse(Set.of());
            List<ChunkRecord> stored = store.chunksOf(collection, entry.getKey());
            Set<String> ids = new HashSet<>();
            Set<String> found = new HashSet<>();
            for (ChunkRecord chunk : stored) {
                String key = key(chunk.version(), chunk.ordinal(), chunk.text());
                if (!ids.add(chunk.chunkId()) || !found.add(key)) {
                    duplicate++;
                } else if (!wanted.contains(key)) {
                    stale++;
                }
            }
            lost += wanted.stream().filter(key -> !found.contains(key)).count();
            expectedChunks += wanted.size();
            seen += stored.size();
        }
        // Chunks of documents the log never mentioned would be stale too, and so would rows of an older version that a
        // reader no longer sees (chunksOf shows a document's highest sequence only; count sees every row).
        long total = store.count(collection, SearchFilter.tenant(tenant));
        stale += Math.max(0, total - seen);
        return new Result(expectedChunks, total, lost, stale, duplicate);
    }

    private static String key(String version, int ordinal, String text) {
        return version + "#" + ordinal + "#" + text;
    }

    @Override
    public void close() {
        parsers.close();
        tokenizer.close();
    }
}
