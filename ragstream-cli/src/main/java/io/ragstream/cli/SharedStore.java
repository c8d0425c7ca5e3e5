package io.ragstream.cli;

import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.StoreChanges;
import io.ragstream.store.VectorStore;
import java.util.List;
import java.util.Optional;

/**
 * One store shared by the embedder and the query service of {@code ragstream up}: an embedded Lucene index has one
 * writer, so both must use the same instance. Closing it through a service does nothing; the launcher closes the store
 * itself once both services have stopped.
 */
record SharedStore(VectorStore store) implements VectorStore {

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
        // The launcher owns the store.
    }
}
