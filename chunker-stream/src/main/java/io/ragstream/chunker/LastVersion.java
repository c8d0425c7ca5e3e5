package io.ragstream.chunker;

import java.time.Instant;
import java.util.Optional;

/**
 * What the chunker last did with a document, kept in a state store keyed by docId: the version it emitted (empty once
 * the document was deleted), that version's sequence, when the newest version it accepted was fetched, and the tenant
 * the document belongs to (empty in state written before tenants were kept).
 */
record LastVersion(
        Optional<String> version, int chunkCount, long sequence, Optional<Instant> fetchedAt, Optional<String> tenant) {

    LastVersion {
        version = version == null ? Optional.empty() : version;
        fetchedAt = fetchedAt == null ? Optional.empty() : fetchedAt;
        tenant = tenant == null ? Optional.empty() : tenant;
    }

    /** The tenant of a live document, when it is another than {@code candidate}: the docId is taken. */
    Optional<String> ownerOtherThan(String candidate) {
        return version.isPresent() ? tenant.filter(owner -> !owner.equals(candidate)) : Optional.empty();
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
