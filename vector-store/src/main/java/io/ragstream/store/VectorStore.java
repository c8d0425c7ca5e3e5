package io.ragstream.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where chunk vectors are kept and searched. Writes are idempotent (keyed by {@code chunkId}) and durable when the call
 * returns, so a caller may commit its Kafka offsets right after. Collections are addressed by name; an alias name may be
 * used wherever a collection name is, which lets a new collection be built and switched to atomically.
 */
public interface VectorStore extends AutoCloseable {

    /**
     * Creates the collection if it does not exist. An existing collection made for another model or dimension is
     * refused with {@link IncompatibleCollectionException}.
     */
    void ensureCollection(String collection, CollectionSpec spec);

    /** What the collection (or the collection an alias points to) was made for; empty when it does not exist. */
    Optional<CollectionSpec> describe(String collection);

    /**
     * Replaces each document the chunks belong to with exactly these chunks (see {@link DocumentWrite}); a document's
     * chunks must share one sequence. A convenience over {@link #apply} for corpora written outside the pipeline.
     */
    default Set<String> upsert(String collection, List<EmbeddedChunk> chunks) {
        Map<String, List<EmbeddedChunk>> byDocument = new LinkedHashMap<>();
        chunks.forEach(chunk -> byDocument
                .computeIfAbsent(chunk.chunk().docId(), docId -> new ArrayList<>())
                .add(chunk));
        return apply(
                collection,
                new StoreChanges(byDocument.entrySet().stream()
                        .map(document -> new DocumentWrite(
                                document.getKey(),
                                document.getValue().getFirst().chunk().sequence(),
                                document.getValue()))
                        .toList()));
    }

    /**
     * Applies a batch of document writes, durable when the call returns: one commit (Lucene) or a few RPCs (Milvus)
     * instead of a few per document. A write of a lower sequence than the store holds for its document changes nothing,
     * whenever it arrives; applying the same changes again changes nothing. While a write is in progress on a store
     * without transactions (Milvus), readers may briefly find two versions of a document: {@link #search} and
     * {@link #chunksOf} return only the highest.
     *
     * @return the documents whose write was dropped because the store holds a later sequence of them
     */
    Set<String> apply(String collection, StoreChanges changes);

    /** The best chunks for a query, best first, within the request's filter. */
    List<SearchHit> search(String collection, SearchRequest request);

    /** Every stored chunk of one document's latest version, in ordinal order: what the document looks like in the index. */
    List<ChunkRecord> chunksOf(String collection, String docId);

    /** How many chunks the filter lets through. */
    long count(String collection, SearchFilter filter);

    /** Whether {@link SearchRequest.Mode#HYBRID} is served by this store. */
    boolean supportsHybrid();

    /** Points an alias at a collection, creating the alias or moving it atomically. */
    void pointAlias(String alias, String collection);

    /** Drops a collection and its data. */
    void dropCollection(String collection);

    @Override
    void close();
}
