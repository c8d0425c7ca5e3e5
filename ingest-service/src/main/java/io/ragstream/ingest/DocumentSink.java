package io.ragstream.ingest;

import io.ragstream.model.RawDocument;

/**
 * Where connectors send documents: in production the {@code ragstream.docs.raw} topic ({@link KafkaDocumentSink}).
 * Both calls return only once the document is durably accepted, so a connector records a version in its
 * {@link IngestState} only after it has really been published.
 */
public interface DocumentSink extends AutoCloseable {

    /** Publishes one version of a document, keyed by its docId. */
    void publish(RawDocument document);

    /** Publishes the deletion of a tenant's document: a tombstone keyed by its docId, naming the tenant. */
    void delete(String docId, String tenant);

    @Override
    void close();
}
