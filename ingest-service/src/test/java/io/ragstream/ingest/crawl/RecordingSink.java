package io.ragstream.ingest.crawl;

import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.DocumentTooLargeException;
import io.ragstream.model.RawDocument;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory sink that keeps what was published, in order, and refuses documents above a size, like Kafka's. */
final class RecordingSink implements DocumentSink {

    /** A published version, or a tombstone (no document). */
    record Event(String docId, Optional<RawDocument> document) {}

    private final long maxContentBytes;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    RecordingSink() {
        this(Long.MAX_VALUE);
    }

    RecordingSink(long maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    @Override
    public void publish(RawDocument document) {
        long bytes = document.contentBytes().length;
        if (bytes > maxContentBytes) {
            throw new DocumentTooLargeException("document " + document.uri(), bytes, maxContentBytes);
        }
        events.add(new Event(document.docId(), Optional.of(document)));
    }

    @Override
    public void delete(String docId) {
        events.add(new Event(docId, Optional.empty()));
    }

    @Override
    public void close() {}

    List<Event> events() {
        return List.copyOf(events);
    }

    List<String> publishedUris() {
        return events.stream()
                .flatMap(event -> event.document().stream())
                .map(RawDocument::uri)
                .toList();
    }
}
