package io.ragstream.ingest;

import io.ragstream.model.RawDocument;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink in memory for the connectors' tests: keeps every event in order, and refuses documents above a size, like Kafka's. */
public final class RecordingSink implements DocumentSink {

    /** A published version, or a tombstone (no document). */
    public record Event(String docId, Optional<RawDocument> document) {}

    private final long maxContentBytes;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    public RecordingSink() {
        this(Long.MAX_VALUE);
    }

    public RecordingSink(long maxContentBytes) {
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
    public void delete(String docId, String tenant) {
        events.add(new Event(docId, Optional.empty()));
    }

    @Override
    public void close() {}

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The versions published, in order. */
    public List<RawDocument> published() {
        return events.stream().flatMap(event -> event.document().stream()).toList();
    }

    public List<String> publishedUris() {
        return published().stream().map(RawDocument::uri).toList();
    }

    /** The docIds of the tombstones published, in order. */
    public List<String> deleted() {
        return events.stream()
                .filter(event -> event.document().isEmpty())
                .map(Event::docId)
                .toList();
    }
}
