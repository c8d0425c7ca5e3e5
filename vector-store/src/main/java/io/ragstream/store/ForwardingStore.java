package io.ragstream.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store that passes every call to another one; a subclass overrides the calls it decorates (sharing, watching, or in
 * tests interrupting them).
 */
public class ForwardingStore implements VectorStore {

    private final VectorStore real;

    protected ForwardingStore(VectorStore real) {
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
    public Set<String> apply(String collection, StoreChanges changes) {
        return real.apply(collection, changes);
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
