package io.ragstream.store;

import java.util.List;
import java.util.Optional;

/**
 * One store shared by several services in one process (the embedder and the query service of {@code ragstream up}, a
 * benchmark): an embedded Lucene index has one writer, so all must use the same instance. Closing it through a service
 * does nothing; whoever made the store closes it once every service has stopped.
 */
public record SharedStore(VectorStore store) implements VectorStore {

    @Override
    public void ensureCollection(String collection, CollectionSpec spec) {
        store.ensureCollection(collection, spec);
    }

    @Override
    public Optional<CollectionSpec> describe(String collection) {
        return store.describe(collection);
    }

    @Override
    public void apply(String collection, StoreChanges changes) {
        store.apply(collection, changes);
    }

    @Override
    public List<SearchHit> search(String collection, SearchRequest request) {
        return store.search(collection, request);
    }

    @Override
    public List<ChunkRecord> chunksOf(String collection, String docId) {
        return store.chunksOf(collection, docId);
    }

    @Override
    public long count(String collection, SearchFilter filter) {
        return store.count(collection, filter);
    }

    @Override
    public boolean supportsHybrid() {
        return store.supportsHybrid();
    }

    @Override
    public void pointAlias(String alias, String collection) {
        store.pointAlias(alias, collection);
    }

    @Override
    public void dropCollection(String collection) {
        store.dropCollection(collection);
    }

    @Override
    public void close() {
        // The store's owner closes it.
    }
}
