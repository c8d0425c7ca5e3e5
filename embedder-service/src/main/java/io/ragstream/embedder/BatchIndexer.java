package io.ragstream.embedder;

import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.TextTooLongException;
import io.ragstream.model.Chunk;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.DocumentStatus;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.StoreChanges;
import io.ragstream.store.VectorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies a batch of {@code ragstream.chunks} messages to the store: embeds every new chunk in one call, then writes the
 * new chunks and removes each document's chunks of other versions (or all of a deleted document's) in one store call. Writes are keyed by
 * chunk id, so applying a batch again after a crash changes nothing. No Kafka here.
 */
public final class BatchIndexer {

    /** What a batch did: status records to publish, messages that cannot be indexed, and where the time went. */
    public record Outcome(
            List<DocumentStatus> statuses,
            List<Rejection> rejections,
            int chunksWritten,
            long embedNanos,
            long writeNanos) {}

    /** A message that retrying cannot index (its position in the batch, and why): it belongs in the dead-letter topic. */
    public record Rejection(int index, RuntimeException reason) {}

    private final Embedder embedder;
    private final VectorStore store;
    private final String collection;
    private final Clock clock;

    public BatchIndexer(Embedder embedder, VectorStore store, String collection, Clock clock) {
        this.embedder = embedder;
        this.store = store;
        this.collection = collection;
        this.clock = clock;
    }

    /**
     * Indexes the messages, which are in the order they were read. Only the last message of each document matters: the
     * store must end up holding that version (or nothing), whatever came before it.
     */
    public Outcome index(List<ChunkMessage> messages) {
        Map<String, Integer> lastOfDocument = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            lastOfDocument.put(messages.get(i).docId(), i);
        }
        List<Integer> live = new ArrayList<>(lastOfDocument.values());
        List<Rejection> rejections = new ArrayList<>();

        long embedStart = System.nanoTime();
        List<EmbeddedChunk> writes = embed(messages, live, rejections);
        Map<String, String> keepOnlyVersion = new LinkedHashMap<>();
        Set<String> deleted = new LinkedHashSet<>();
        List<DocumentStatus> statuses = new ArrayList<>();
        for (int i : live) {
            switch (messages.get(i)) {
                case ChunkedDocument document
                when document.failure().isPresent() -> {
                    // The version could not be read: its older chunks leave, and its status stays failed.
                    keepOnlyVersion.put(document.docId(), document.version());
                    statuses.add(DocumentStatus.failed(
                            document.docId(),
                            Optional.of(document.tenant()),
                            Optional.of(document.version()),
                            document.failure().get()));
                }
                case ChunkedDocument document -> {
                    keepOnlyVersion.put(document.docId(), document.version());
                    statuses.add(DocumentStatus.indexed(
                            document.docId(),
                            document.tenant(),
                            document.version(),
                            document.chunks().size()));
                }
                case DocumentDeletion deletion -> {
                    deleted.add(deletion.docId());
                    statuses.add(DocumentStatus.deleted(deletion.docId()));
                }
            }
        }
        for (Rejection rejection : rejections) {
            // The latest version cannot be indexed: none of the document's older chunks may stay either.
            ChunkMessage message = messages.get(rejection.index());
            deleted.add(message.docId());
            Optional<ChunkedDocument> document =
                    message instanceof ChunkedDocument d ? Optional.of(d) : Optional.empty();
            statuses.add(DocumentStatus.failed(
                    message.docId(),
                    document.map(ChunkedDocument::tenant),
                    document.map(ChunkedDocument::version),
                    rejection.reason().getMessage()));
        }
        long writeStart = System.nanoTime();
        // One durable write for the whole batch: new chunks first, then the versions and documents they replace.
        store.apply(collection, new StoreChanges(writes, keepOnlyVersion, deleted));
        long end = System.nanoTime();
        return new Outcome(statuses, rejections, writes.size(), writeStart - embedStart, end - writeStart);
    }

    /** The chunks to write with their vectors; a document with a chunk the model refuses moves to the rejections. */
    private List<EmbeddedChunk> embed(List<ChunkMessage> messages, List<Integer> live, List<Rejection> rejections) {
        while (true) {
            List<String> texts = new ArrayList<>();
            List<Integer> owners = new ArrayList<>();
            for (int i : live) {
                if (messages.get(i) instanceof ChunkedDocument document) {
                    for (Chunk chunk : document.chunks()) {
                        texts.add(chunk.text());
                        owners.add(i);
                    }
                }
            }
            List<float[]> vectors;
            try {
                vectors = texts.isEmpty() ? List.of() : embedder.embed(texts, InputKind.PASSAGE);
            } catch (TextTooLongException e) {
                int owner = owners.get(e.index());
                rejections.add(new Rejection(owner, e));
                live.remove(Integer.valueOf(owner));
                continue;
            }
            Instant now = clock.instant();
            List<EmbeddedChunk> writes = new ArrayList<>(texts.size());
            int next = 0;
            for (int i : live) {
                if (messages.get(i) instanceof ChunkedDocument document) {
                    for (Chunk chunk : document.chunks()) {
                        writes.add(new EmbeddedChunk(record(document, chunk, now), vectors.get(next++)));
                    }
                }
            }
            return writes;
        }
    }

    private static ChunkRecord record(ChunkedDocument document, Chunk chunk, Instant now) {
        return new ChunkRecord(
                chunk.chunkId(),
                document.docId(),
                document.tenant(),
                document.version(),
                document.document().source(),
                document.document().uri(),
                document.document().title(),
                chunk.ordinal(),
                chunk.text(),
                chunk.headingPath(),
                document.document().tags(),
                document.document().metadata(),
                now);
    }
}
