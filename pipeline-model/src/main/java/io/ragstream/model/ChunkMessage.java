package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The value of a record on {@link Topics#CHUNKS}, keyed by docId: every chunk of one version of one document, or the
 * document's deletion. The JSON carries {@code "op": "upsert"} or {@code "op": "delete"}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ChunkedDocument.class, name = "upsert"),
    @JsonSubTypes.Type(value = DocumentDeletion.class, name = "delete")
})
public sealed interface ChunkMessage permits ChunkedDocument, DocumentDeletion {

    String docId();

    /** The version's place among the document's versions: only grows per document, so the store keeps the highest. */
    long sequence();

    static void requireSequence(String docId, long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence of " + docId + " is " + sequence + "; it must be ≥ 0");
        }
    }
}
