package io.ragstream.chunker;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.ContractViolationException;
import io.ragstream.model.ContractViolationException.Violation;
import io.ragstream.model.DeadLetter;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.Json;
import io.ragstream.model.json.RawDocumentCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunker's one stateful step: validate a raw document, skip it when its version was already chunked, chunk it,
 * and say what happened. A document that breaks the contract or cannot be parsed becomes a dead letter with the reason;
 * nothing stops the stream.
 */
final class ChunkingProcessor implements Processor<String, byte[], String, Outcome> {

    static final String STAGE = "chunker";
    /** A version during whose parsing and chunking the chunker died this many times is dead-lettered, not tried again. */
    static final int MAX_DEATHS = 2;

    private static final Logger log = LoggerFactory.getLogger(ChunkingProcessor.class);

    private final DocumentChunking chunking;
    private final Clock clock;
    private final RawDocumentCodec codec = RawDocumentCodec.instance();
    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<String, LastVersion> versions;
    private AttemptMarker attempts;
    private KeyValueStore<String, DocumentStatus> failures;

    ChunkingProcessor(DocumentChunking chunking, Clock clock) {
        this.chunking = chunking;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.versions = context.getStateStore(ChunkerTopology.VERSIONS_STORE);
        this.attempts = new AttemptMarker(context.stateDir().toPath());
        this.failures = context.getStateStore(ChunkerTopology.FAILURES_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String docId = record.key();
        if (docId == null) {
            deadLetter(
                    record,
                    new IllegalArgumentException(
                            "a record on " + Topics.DOCS_RAW + " has no key;" + " key every record by its docId"));
            return;
        }
        Optional<LastVersion> last = Optional.ofNullable(versions.get(docId));
        long offset = context.recordMetadata().orElseThrow().offset();
        long sequence = LastVersion.next(last, offset);
        if (record.value() == null) {
            Optional<String> refusal = tombstoneRefusal(docId, last, tenantOf(record));
            if (refusal.isPresent()) {
                deadLetter(record, new IllegalArgumentException(refusal.get()));
                return;
            }
            // The deletion's status is shown to the tenant whose document it was, or else to the one that deleted it.
            Optional<String> tenant = last.flatMap(LastVersion::tenant).or(() -> tenantOf(record));
            // Kept, not removed: a late write of an older version must still find that the document was deleted.
            versions.put(
                    docId,
                    last.map(l -> l.deleted(sequence, tenant))
                            .orElse(new LastVersion(
                                    Optional.empty(), 0, sequence, Optional.empty(), tenant, Optional.empty(), false)));
            emit(record, new Outcome.Chunks(new DocumentDeletion(docId, sequence, clock.instant(), tenant)));
            emit(record, new Outcome.Status(DocumentStatus.deleted(docId, tenant, sequence)));
            log.info("deleted docId={} sequence={}", docId, sequence);
            return;
        }
        RawDocument document;
        try {
            document = codec.decode(record.value());
            requireKeyIsDocId(docId, document);
        } catch (ContractViolationException e) {
            deadLetter(record, e);
            // The tenant a broken record claims, if it names one: its failure is that tenant's status, but never stands
            // in for the status of another tenant's live document under the same docId.
            Optional<String> claimed = tenantOf(record).or(() -> claimedTenant(record.value()));
            Optional<String> owner = last.flatMap(other -> other.ownerOtherThan(claimed.orElse("")));
            if (owner.isEmpty()) {
                emit(
                        record,
                        new Outcome.Status(DocumentStatus.failed(
                                docId, claimed, Optional.empty(), Optional.empty(), e.getMessage())));
            }
            return;
        }
        Optional<String> owner = last.flatMap(other -> other.ownerOtherThan(document.tenant()));
        if (owner.isPresent()) {
            // Two producers of two tenants that both publish crm:1234 would overwrite and delete each other's chunks.
            // No status either: it would stand in the owner's status for the docId.
            deadLetter(
                    record,
                    new IllegalArgumentException(("docId %s belongs to another tenant than %s; a document of one tenant"
                                    + " cannot replace another tenant's: give tenant-unique docIds (Ids.docId(tenant,"
                                    + " source, id) puts the tenant in them)")
                            .formatted(docId, document.tenant())));
            return;
        }
        Optional<Instant> newest = last.flatMap(LastVersion::fetchedAt);
        if (newest.isPresent() && document.fetchedAt().isBefore(newest.get())) {
            // A slow re-crawl or a second producer published an older fetch after a newer one: arrival must not win.
            String reason = "fetched at %s, before the version already chunked (fetched at %s)"
                    .formatted(document.fetchedAt(), newest.get());
            emit(
                    record,
                    new Outcome.Status(
                            DocumentStatus.superseded(docId, document.tenant(), document.version(), reason)));
            log.info("superseded docId={} version={} {}", docId, document.version(), reason);
            return;
        }
        if (last.isPresent()
                && last.get().republishedBy(document, offset)
                && !DownstreamFailures.failed(failures, docId, last.get().sequence())) {
            versions.put(docId, last.get().seenAgain(document));
            log.debug("unchanged docId={} version={}", docId, document.version());
            return;
        }
        long start = System.nanoTime();
        int attempt = attempts.begin(offset);
        if (attempt > MAX_DEATHS) {
            failVersion(
                    record,
                    document,
                    sequence,
                    new IllegalStateException(
                            ("the chunker died %d times while parsing and chunking this version (out of"
                                            + " memory, or a parser crashed); it is not tried again: split the document, or give"
                                            + " the chunker more memory and publish it again")
                                    .formatted(attempt - 1)));
            attempts.end();
            return;
        }
        ChunkedDocument chunked;
        try {
            chunked = chunking.chunk(document, sequence);
        } catch (RuntimeException e) {
            failVersion(record, document, sequence, e);
            attempts.end();
            return;
        }
        // An Error (out of memory) skips this: the marker stays, and counts the death of this attempt.
        attempts.end();
        versions.put(docId, LastVersion.of(document, chunked.chunks().size(), sequence, false));
        emit(record, new Outcome.Chunks(chunked));
        emit(
                record,
                new Outcome.Status(DocumentStatus.chunked(
                        docId,
                        document.tenant(),
                        document.version(),
                        sequence,
                        chunked.chunks().size())));
        log.info(
                "chunked docId={} version={} sequence={} chunks={} ms={}",
                docId,
                document.version(),
                sequence,
                chunked.chunks().size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The version cannot be read: its earlier versions must still leave the store, so the document is emitted with no
     * chunks, and the reason goes to the dead-letter topic and the status. Publishing it again tries it again.
     */
    private void failVersion(Record<String, byte[]> record, RawDocument document, long sequence, Exception error) {
        deadLetter(record, error);
        versions.put(document.docId(), LastVersion.of(document, 0, sequence, true));
        emit(record, new Outcome.Chunks(chunking.unreadable(document, sequence, error.getMessage())));
        emit(
                record,
                new Outcome.Status(DocumentStatus.failed(
                        document.docId(),
                        Optional.of(document.tenant()),
                        Optional.of(document.version()),
                        Optional.of(sequence),
                        error.getMessage())));
    }

    /**
     * Why a tombstone must not delete the document, if it must not: a null value carries no tenant, so the tombstone
     * names it in the {@link Topics#TENANT_HEADER} header, and a tenant deletes only its own documents.
     */
    private static Optional<String> tombstoneRefusal(
            String docId, Optional<LastVersion> last, Optional<String> tenant) {
        Optional<String> owner = last.filter(l -> l.version().isPresent()).flatMap(LastVersion::tenant);
        if (owner.isEmpty() || owner.equals(tenant)) {
            return Optional.empty();
        }
        if (tenant.isEmpty()) {
            return Optional.of(("a tombstone for docId %s names no tenant; a tenant deletes only its own documents: add"
                            + " the header %s with the tenant whose document it deletes")
                    .formatted(docId, Topics.TENANT_HEADER));
        }
        return Optional.of(("docId %s belongs to another tenant than %s, which cannot delete it; a tenant deletes only"
                        + " its own documents")
                .formatted(docId, tenant.get()));
    }

    /** The {@code tenant} a record that breaks the schema still names, if it is JSON at all. */
    private static Optional<String> claimedTenant(byte[] value) {
        try {
            JsonNode tenant = Json.mapper().readTree(value).path("tenant");
            return tenant.isTextual() ? Optional.of(tenant.asText()) : Optional.empty();
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static Optional<String> tenantOf(Record<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.TENANT_HEADER);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void requireKeyIsDocId(String key, RawDocument document) {
        if (!key.equals(document.docId())) {
            throw new ContractViolationException(
                    "RawDocument",
                    List.of(new Violation(
                            "$.docId",
                            "equals-record-key",
                            "is '" + document.docId() + "' but the record key is '" + key
                                    + "'; key every record by its docId")));
        }
    }

    private void deadLetter(Record<String, byte[]> record, Exception error) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        RecordHeaders headers = new RecordHeaders();
        DeadLetter.of(STAGE, error, source.topic(), source.partition(), source.offset())
                .writeTo(headers);
        context.forward(record.withValue((Outcome) new Outcome.DeadLetter(record.value()))
                .withHeaders(headers));
        log.warn(
                "dead-letter docId={} topic={} partition={} offset={} reason={}",
                record.key(),
                source.topic(),
                source.partition(),
                source.offset(),
                error.getMessage());
    }

    private void emit(Record<String, byte[]> record, Outcome outcome) {
        context.forward(record.withValue(outcome).withHeaders(new RecordHeaders()));
    }
}
