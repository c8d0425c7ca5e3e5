package io.ragstream.chunker;

import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.json.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the chunker last did with a document, kept in a state store keyed by docId: the version it emitted (empty once
 * the document was deleted), that version's sequence, when the newest version it accepted was fetched, the tenant the
 * document belongs to, the hash of what describes the version besides its content (see {@link #description}), and
 * whether the version could not be read. Fields added later are empty or false in state written before them.
 */
record LastVersion(
        Optional<String> version,
        int chunkCount,
        long sequence,
        Optional<Instant> fetchedAt,
        Optional<String> tenant,
        Optional<String> description,
        boolean failed) {

    LastVersion {
        version = version == null ? Optional.empty() : version;
        fetchedAt = fetchedAt == null ? Optional.empty() : fetchedAt;
        tenant = tenant == null ? Optional.empty() : tenant;
        description = description == null ? Optional.empty() : description;
    }

    /** The document's version as chunked: held, described as it was, read or not. */
    static LastVersion of(RawDocument document, int chunkCount, long sequence, boolean failed) {
        return new LastVersion(
                Optional.of(document.version()),
                chunkCount,
                sequence,
                Optional.of(document.fetchedAt()),
                Optional.of(document.tenant()),
                Optional.of(description(document)),
                failed);
    }

    /** The tenant of a live document, when it is another than {@code candidate}: the docId is taken. */
    Optional<String> ownerOtherThan(String candidate) {
        return version.isPresent() ? tenant.filter(owner -> !owner.equals(candidate)) : Optional.empty();
    }

    /**
     * Whether the candidate changes nothing the store holds: the same content, described the same way, and read the last
     * time. A version that could not be read is tried again when it is published again.
     */
    private boolean holds(RawDocument candidate) {
        return !failed
                && version.filter(candidate.version()::equals).isPresent()
                && description.filter(description(candidate)::equals).isPresent();
    }

    /**
     * Whether the record at {@code offset} publishes again what the store holds: {@link #holds} it, and lies past the
     * record the held version came from (its sequence). A record at or before that one is being read again after a
     * transaction that did not commit; a store that kept that transaction's write (an instance killed mid-transaction)
     * would otherwise have it skipped, its chunks and status never sent. Reading it again costs one more chunking.
     */
    boolean republishedBy(RawDocument candidate, long offset) {
        return offset > sequence && holds(candidate);
    }

    /** This state, with the newest fetch time and tenant of a version it already holds. */
    LastVersion seenAgain(RawDocument candidate) {
        return new LastVersion(
                version,
                chunkCount,
                sequence,
                Optional.of(candidate.fetchedAt()),
                Optional.of(candidate.tenant()),
                description,
                failed);
    }

    /** The document is deleted: no version held, but the fetch time and the tenant are kept. */
    LastVersion deleted(long sequence, Optional<String> tenant) {
        return new LastVersion(Optional.empty(), 0, sequence, fetchedAt, tenant, Optional.empty(), false);
    }

    /**
     * The hash of what the store keeps of a version besides its content (the version is the content's hash): source,
     * URI, title, content type, metadata and tags. A change of these alone is a change.
     */
    static String description(RawDocument document) {
        try {
            return Ids.contentHash(Json.mapper()
                    .writeValueAsBytes(List.of(
                            document.source(),
                            document.uri(),
                            document.title().orElse(""),
                            document.contentType(),
                            new TreeMap<>(document.metadata()),
                            document.tags())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sequence of the document's next version: past this one, and never below the record's offset, so that sequences
     * keep growing even when this state is lost and rebuilt from a later offset.
     */
    static long next(Optional<LastVersion> last, long offset) {
        return last.map(l -> Math.max(l.sequence() + 1, offset)).orElse(offset);
    }
}
