package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The stage one document has reached, as published on {@link Topics#STATUS} keyed by docId (compacted).
 *
 * <p>Two stages write statuses of one document independently, so their records can arrive in any order: readers order a
 * document's statuses by {@code sequence} (see {@link ChunkedDocument#sequence()}), never by arrival.
 *
 * @param tenant the document's tenant, when the stage knows it (a deletion or an unreadable record carries none); readers
 *     that serve many tenants show a status only to its own tenant
 * @param sequence the sequence of the version the status is about; absent when the record could not be read at all
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record DocumentStatus(
        String docId,
        Optional<String> tenant,
        Stage stage,
        Optional<String> version,
        Optional<Long> sequence,
        Optional<Integer> chunkCount,
        Optional<String> reason,
        Instant updatedAt) {

    /** The stages of the pipeline, in the order a healthy document passes them. */
    public enum Stage {
        @JsonProperty("received")
        RECEIVED,
        @JsonProperty("chunked")
        CHUNKED,
        @JsonProperty("indexed")
        INDEXED,
        @JsonProperty("deleted")
        DELETED,
        @JsonProperty("failed")
        FAILED,
        /** The version was skipped: a version fetched later had already been chunked. */
        @JsonProperty("superseded")
        SUPERSEDED;

        /** Whether the stage ends a version's way through the pipeline: the store holds what it says. */
        public boolean settled() {
            return this == INDEXED || this == DELETED || this == FAILED;
        }
    }

    public DocumentStatus {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(updatedAt, "updatedAt");
        tenant = tenant == null ? Optional.empty() : tenant;
        version = version == null ? Optional.empty() : version;
        sequence = sequence == null ? Optional.empty() : sequence;
        chunkCount = chunkCount == null ? Optional.empty() : chunkCount;
        reason = reason == null ? Optional.empty() : reason;
        if ((stage == Stage.FAILED || stage == Stage.SUPERSEDED) && reason.isEmpty()) {
            throw new IllegalArgumentException("a " + stage + " status for " + docId + " must say why: give a reason");
        }
    }

    public static DocumentStatus received(String docId, String tenant, String version) {
        return new DocumentStatus(
                docId,
                Optional.of(tenant),
                Stage.RECEIVED,
                Optional.of(version),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Instant.now());
    }

    public static DocumentStatus chunked(String docId, String tenant, String version, long sequence, int chunkCount) {
        return new DocumentStatus(
                docId,
                Optional.of(tenant),
                Stage.CHUNKED,
                Optional.of(version),
                Optional.of(sequence),
                Optional.of(chunkCount),
                Optional.empty(),
                Instant.now());
    }

    public static DocumentStatus indexed(String docId, String tenant, String version, long sequence, int chunkCount) {
        return new DocumentStatus(
                docId,
                Optional.of(tenant),
                Stage.INDEXED,
                Optional.of(version),
                Optional.of(sequence),
                Optional.of(chunkCount),
                Optional.empty(),
                Instant.now());
    }

    /** The document is deleted; the tenant whose document it was, when known, is the only one shown the status. */
    public static DocumentStatus deleted(String docId, Optional<String> tenant, long sequence) {
        return new DocumentStatus(
                docId,
                tenant,
                Stage.DELETED,
                Optional.empty(),
                Optional.of(sequence),
                Optional.empty(),
                Optional.empty(),
                Instant.now());
    }

    /** A failure; the tenant, version and sequence are unknown when the record could not even be read. */
    public static DocumentStatus failed(
            String docId, Optional<String> tenant, Optional<String> version, Optional<Long> sequence, String reason) {
        return new DocumentStatus(
                docId, tenant, Stage.FAILED, version, sequence, Optional.empty(), Optional.of(reason), Instant.now());
    }

    /** A version skipped because a version fetched later was chunked first; it never reaches the store. */
    public static DocumentStatus superseded(String docId, String tenant, String version, String reason) {
        return new DocumentStatus(
                docId,
                Optional.of(tenant),
                Stage.SUPERSEDED,
                Optional.of(version),
                Optional.empty(),
                Optional.empty(),
                Optional.of(reason),
                Instant.now());
    }
}
