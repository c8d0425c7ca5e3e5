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
import io.ragstream.store.DocumentWrite;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.StoreChanges;
import io.ragstream.store.VectorStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Applies a batch of {@code ragstream.chunks} messages to the store: embeds every new chunk in one call, then makes each
 * document exactly its latest version (or removes it) in one store call. The store fences every write by the version's
 * sequence, so applying a batch again after a crash, or late from a zombie instance, changes nothing. No Kafka here.
 */
public final class BatchIndexer {

    /**
     * What a batch did: status records to publish, messages that cannot be indexed, chunks written, documents left alone
     * because the store holds a later version of them, and where the time went.
     */
    public record Outcome(
            List<DocumentStatus> statuses,
            List<Rejection> rejections,
            int chunksWritten,
            int superseded,
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
        return index(messages, () -> true).orElseThrow();
    }

    /**
     * Indexes the messages, unless {@code mayWrite} says no once they are embedded (their partitions have moved to
     * another instance meanwhile): then nothing is written, and empty is returned.
     */
    public Optional<Outcome> index(List<ChunkMessage> messages, BooleanSupplier mayWrite) {
        Map<String, Integer> lastOfDocument = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            lastOfDocument.put(messages.get(i).docId(), i);
        }
        List<Integer> live = new ArrayList<>(lastOfDocument.values());
        List<Rejection> rejections = new ArrayList<>();

        long embedStart = System.nanoTime();
        Map<Integer, List<EmbeddedChunk>> embedded = embed(messages, live, rejections);
        List<DocumentWrite> writes = new ArrayList<>();
        List<DocumentStatus> statuses = new ArrayList<>();
        int chunks = 0;
        for (int i : live) {
            ChunkMessage message = messages.get(i);
            List<EmbeddedChunk> rows = embedded.getOrDefault(i, List.of());
            writes.add(new DocumentWrite(message.docId(), message.sequence(), rows));
            chunks += rows.size();
            statuses.add(
                    switch (message) {
                        // The version could not be read: its older chunks leave, and its status stays failed.
                        case ChunkedDocument document
                        when document.failure().isPresent() ->
                            DocumentStatus.failed(
                                    document.docId(),
                                    Optional.of(document.tenant()),
                                    Optional.of(document.version()),
                                    Optional.of(document.sequence()),
                                    document.failure().get());
                        case ChunkedDocument document ->
                            DocumentStatus.indexed(
                                    document.docId(),
                                    document.tenant(),
                                    document.version(),
                                    document.sequence(),
                                    document.chunks().size());
                        case DocumentDeletion deletion ->
                            DocumentStatus.deleted(deletion.docId(), deletion.tenant(), deletion.sequence());
                    });
        }
        for (Rejection rejection : rejections) {
            // The latest version cannot be indexed: none of the document's older chunks may stay either.
            ChunkMessage message = messages.get(rejection.index());
            writes.add(DocumentWrite.removal(message.docId(), message.sequence()));
            Optional<ChunkedDocument> document =
                    message instanceof ChunkedDocument d ? Optional.of(d) : Optional.empty();
            statuses.add(DocumentStatus.failed(
                    message.docId(),
                    document.map(ChunkedDocument::tenant),
                    document.map(ChunkedDocument::version),
                    Optional.of(message.sequence()),
                    rejection.reason().getMessage()));
        }
        if (!mayWrite.getAsBoolean()) {
            return Optional.empty();
        }
        long writeStart = System.nanoTime();
        // One durable write for the whole batch. A document the store holds at a later sequence is left as it is:
        // this batch is a replay, a zombie's or a late one, and the status of the later version is the one that counts.
        Set<String> superseded = store.apply(collection, new StoreChanges(writes));
        long end = System.nanoTime();
        List<DocumentStatus> published = statuses.stream()
                .filter(status -> !superseded.contains(status.docId()))
                .toList();
        return Optional.of(new Outcome(
                published, rejections, chunks, superseded.size(), writeStart - embedStart, end - writeStart));
    }

    /**
     * The chunks to write with their vectors, by the message's position; a document with a chunk the model refuses moves
     * to the rejections.
     */
    private Map<Integer, List<EmbeddedChunk>> embed(
            List<ChunkMessage> messages, List<Integer> live, List<Rejection> rejections) {
        // A chunk the store cannot keep (a tag or URI past the size model, from a producer the door did not check)
        // rejects its document before anything is embedded, as a chunk the model cannot read does.
        Instant checkedAt = clock.instant();
        for (int i : List.copyOf(live)) {
            if (messages.get(i) instanceof ChunkedDocument document) {
                try {
                    document.chunks().forEach(chunk -> record(document, chunk, checkedAt));
                } catch (IllegalArgumentException e) {
                    rejections.add(new Rejection(i, e));
                    live.remove(Integer.valueOf(i));
                }
            }
        }
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
            Map<Integer, List<EmbeddedChunk>> writes = new LinkedHashMap<>();
            int next = 0;
            for (int i : live) {
                if (messages.get(i) instanceof ChunkedDocument document) {
                    List<EmbeddedChunk> rows = new ArrayList<>(document.chunks().size());
                    for (Chunk chunk : document.chunks()) {
                        rows.add(new EmbeddedChunk(record(document, chunk, now), vectors.get(next++)));
                    }
                    writes.put(i, rows);
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
                document.sequence(),
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
