package io.ragstream.chunker;

import java.time.Instant;
import java.util.Optional;

/**
 * What the chunker last did with a document, kept in a state store keyed by docId: the version it emitted (empty once
 * the document was deleted), that version's sequence, and when the newest version it accepted was fetched.
 */
record LastVersion(Optional<String> version, int chunkCount, long sequence, Optional<Instant> fetchedAt) {

    LastVersion {
        version = version == null ? Optional.empty() : version;
        fetchedAt = fetchedAt == null ? Optional.empty() : fetchedAt;
    }

    boolean holds(String candidate) {
        return version.filter(candidate::equals).isPresent();
    }

    /**
     * The sequence of the document's next version: past this one, and never below the record's offset, so that sequences
     * keep growing even when this state is lost and rebuilt from a later offset.
     */
    static long next(Optional<LastVersion> last, long offset) {
        return last.map(l -> Math.max(l.sequence() + 1, offset)).orElse(offset);
    }
}
