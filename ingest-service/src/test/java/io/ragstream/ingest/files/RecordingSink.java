package io.ragstream.ingest.files;

import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.DocumentTooLargeException;
import io.ragstream.model.DocumentEvent;
import io.ragstream.model.RawDocument;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink in memory: keeps every event in order, and refuses documents above a size as the Kafka sink does. */
final class RecordingSink implements DocumentSink {

    private final List<DocumentEvent> events = new CopyOnWriteArrayList<>();
    private final long maxContentBytes;

    RecordingSink() {
        this(Long.MAX_VALUE);
    }

    RecordingSink(long maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    @Override
    public void publish(RawDocument document) {
        int bytes = document.contentBytes().length;
        if (bytes > maxContentBytes) {
            throw new DocumentTooLargeException("document " + document.uri(), bytes, maxContentBytes);
        }
        events.add(new DocumentEvent.Upsert(document));
    }

    @Override
    public void delete(String docId) {
        events.add(new DocumentEvent.Delete(docId));
    }

    List<DocumentEvent> events() {
        return List.copyOf(events);
    }

    List<RawDocument> published() {
        return events.stream()
                .filter(e -> e instanceof DocumentEvent.Upsert)
                .map(e -> ((DocumentEvent.Upsert) e).document())
                .toList();
    }

    List<String> deleted() {
        return events.stream()
                .filter(e -> e instanceof DocumentEvent.Delete)
                .map(DocumentEvent::docId)
                .toList();
    }

    @Override
    public void close() {}
}
