package io.ragstream.chunker;

import io.ragstream.model.ChunkMessage;
import io.ragstream.model.DocumentStatus;

/** What processing one raw document produced; each variant goes to its own topic. */
sealed interface Outcome {

    /** For {@code ragstream.chunks}: a document's chunks, or its deletion. */
    record Chunks(ChunkMessage message) implements Outcome {}

    /** For {@code ragstream.docs.dlq}: the original value, with the reason in the record's headers. */
    record DeadLetter(byte[] original) implements Outcome {}

    /** For {@code ragstream.status}. */
    record Status(DocumentStatus status) implements Outcome {}
}
