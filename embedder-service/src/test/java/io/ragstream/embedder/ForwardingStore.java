package io.ragstream.embedder;

import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.StoreChanges;
import io.ragstream.store.VectorStore;
import java.util.List;
import java.util.Optional;

/** A real store passed through unchanged; tests override the calls they want to watch or interrupt. */
class ForwardingStore implements VectorStore {

    private final VectorStore real;

    ForwardingStore(VectorStore real) {
        this.real = real;
    }

    @Override
    public void ensureCollection(String collection, CollectionSpec spec) {
        real.ensureCollection(collection, spec);
    }

    @Override
    public Optional<CollectionSpec> describe(String collection) {
        return real.describe(collection);
    }

    @Override
    public void apply(String collection, StoreChanges changes) {
        real.apply(collection, changes);
    }

    @Override
    public List<SearchHit> search(String collection, SearchRequest request) {
        return real.search(collection, request);
    }

    @Override
    public List<ChunkRecord> chunksOf(String collection, String docId) {
        return real.chunksOf(collection, docId);
    }

    @Override
    public long count(String collection, SearchFilter filter) {
        return real.count(collection, filter);
    }

    @Override
    public boolean supportsHybrid() {
        return real.supportsHybrid();
    }

    @Override
    public void pointAlias(String alias, String collection) {
        real.pointAlias(alias, collection);
    }

    @Override
    public void dropCollection(String collection) {
        real.dropCollection(collection);
    }

    @Override
    public void close() {
        real.close();
    }
}
