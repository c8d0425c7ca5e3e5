package io.ragstream.store;

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

    /** Writes chunks, replacing any stored chunk with the same id. */
    default void upsert(String collection, List<EmbeddedChunk> chunks) {
        apply(collection, new StoreChanges(chunks, Map.of(), Set.of()));
    }

    /**
     * Applies a batch of changes, durable when the call returns: one commit (Lucene) or one write and one delete
     * (Milvus) instead of one per document. Applying the same changes again changes nothing.
     */
    void apply(String collection, StoreChanges changes);

    /** Removes every chunk of a document. */
    default void deleteDocument(String collection, String docId) {
        apply(collection, new StoreChanges(List.of(), Map.of(), Set.of(docId)));
    }

    /** Removes the chunks of a document whose version is not {@code keepVersion}: the old versions after an update. */
    default void deleteOtherVersions(String collection, String docId, String keepVersion) {
        apply(collection, new StoreChanges(List.of(), Map.of(docId, keepVersion), Set.of()));
    }

    /** The best chunks for a query, best first, within the request's filter. */
    List<SearchHit> search(String collection, SearchRequest request);

    /** Every stored chunk of one document, in ordinal order: what a document looks like in the index. */
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
