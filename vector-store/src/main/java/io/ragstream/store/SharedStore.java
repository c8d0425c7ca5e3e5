package io.ragstream.store;

/**
 * One store shared by several services in one process (the embedder and the query service of {@code ragstream up}, a
 * benchmark): an embedded Lucene index has one writer, so all must use the same instance. Closing it through a service
 * does nothing; whoever made the store closes it once every service has stopped.
 */
public final class SharedStore extends ForwardingStore {

    public SharedStore(VectorStore store) {
        super(store);
    }

    @Override
    public void close() {}
}
