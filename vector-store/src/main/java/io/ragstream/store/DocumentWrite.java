package io.ragstream.store;

import java.util.List;
import java.util.Objects;

/**
 * What one document must be in the store after a write: exactly these chunks, all of one version at {@code sequence}.
 * No chunks means the document is gone at that sequence (deleted, unreadable or empty); the store remembers that, so a
 * late write of a lower sequence cannot bring it back.
 *
 * <p>A store applies it only when it holds no later sequence of the document: a zombie writer, a replayed batch or an
 * older version that arrives late changes nothing, whatever the timing.
 */
public record DocumentWrite(String docId, long sequence, List<EmbeddedChunk> chunks) {

    public DocumentWrite {
        Objects.requireNonNull(docId, "docId");
        chunks = List.copyOf(chunks);
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence of " + docId + " is " + sequence + "; it must be ≥ 0");
        }
        for (EmbeddedChunk chunk : chunks) {
            ChunkRecord record = chunk.chunk();
            if (!record.docId().equals(docId) || record.sequence() != sequence) {
                throw new IllegalArgumentException("chunk " + record.chunkId() + " is of " + record.docId()
                        + " at sequence " + record.sequence() + "; a write of " + docId + " at sequence " + sequence
                        + " can only hold that document's chunks of that sequence");
            }
        }
    }

    /** The document removed at {@code sequence}. */
    public static DocumentWrite removal(String docId, long sequence) {
        return new DocumentWrite(docId, sequence, List.of());
    }
}
