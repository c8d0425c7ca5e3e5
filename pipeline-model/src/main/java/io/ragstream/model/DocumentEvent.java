package io.ragstream.model;

import java.util.Objects;

/** What one record on {@link Topics#DOCS_RAW} means: a new version of a document, or its deletion (a tombstone). */
public sealed interface DocumentEvent permits DocumentEvent.Upsert, DocumentEvent.Delete {

    String docId();

    /** Reads a record's key and value; a null value is a tombstone and means the document was deleted. */
    static DocumentEvent of(String key, RawDocument valueOrNull) {
        Objects.requireNonNull(key, "a docs.raw record needs its docId as key");
        return valueOrNull == null ? new Delete(key) : new Upsert(valueOrNull);
    }

    /** A new or changed document. */
    record Upsert(RawDocument document) implements DocumentEvent {
        public Upsert {
            Objects.requireNonNull(document, "document");
        }

        @Override
        public String docId() {
            return document.docId();
        }
    }

    /** The document is gone: every chunk of it must leave the store. */
    record Delete(String docId) implements DocumentEvent {
        public Delete {
            Objects.requireNonNull(docId, "docId");
        }
    }
}
