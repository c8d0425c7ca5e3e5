package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DeadLetter;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.DocumentStatus.Stage;
import io.ragstream.model.FieldLimits;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.model.json.RawDocumentSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkerTopologyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private static Tokenizer tokenizer;
    private static Parsers parsers;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, RawDocument> docs;
    private TestInputTopic<String, byte[]> rawBytes;
    private TestOutputTopic<String, ChunkMessage> chunks;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, DocumentStatus> status;
    /** What the embedder says of a version, as the chunker reads it back from {@code ragstream.status}. */
    private TestInputTopic<String, DocumentStatus> laterStatuses;

    @BeforeAll
    static void load() {
        tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
        parsers = new Parsers(1_000_000, Duration.ofSeconds(30));
    }

    @AfterAll
    static void close() {
        parsers.close();
        tokenizer.close();
    }

    @BeforeEach
    void startDriver() {
        var chunking = new DocumentChunking(parsers, new Chunker(tokenizer, new ChunkerSettings(64, 8, 8192)), CLOCK);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "chunker-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ChunkerTopology.build(chunking, CLOCK), properties);
        docs = driver.createInputTopic(Topics.DOCS_RAW, new StringSerializer(), new RawDocumentSerde());
        rawBytes = driver.createInputTopic(Topics.DOCS_RAW, new StringSerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic(Topics.CHUNKS, new StringDeserializer(), new ChunkMessageSerde());
        deadLetters = driver.createOutputTopic(Topics.DOCS_DLQ, new StringDeserializer(), new ByteArrayDeserializer());
        status = driver.createOutputTopic(Topics.STATUS, new StringDeserializer(), new DocumentStatusSerde());
        laterStatuses = driver.createInputTopic(Topics.STATUS, new StringSerializer(), new DocumentStatusSerde());
    }

    @AfterEach
    void stopDriver() {
        driver.close();
    }

    @Test
    void newDocumentIsChunkedKeyedByItsDocId() {
        RawDocument doc = markdown("https://kb.test/a", "# Title\n\nFirst paragraph. Second sentence.");

        docs.pipeInput(doc.docId(), doc);

        TestRecord<String, ChunkMessage> out = chunks.readRecord();
        assertThat(out.key()).isEqualTo(doc.docId());
        assertThat(out.value()).isInstanceOfSatisfying(ChunkedDocument.class, chunked -> {
            assertThat(chunked.version()).isEqualTo(doc.version());
            assertThat(chunked.tenant()).isEqualTo("acme");
            assertThat(chunked.document().title()).contains("Title");
            assertThat(chunked.chunks()).isNotEmpty().allSatisfy(c -> assertThat(c.headingPath())
                    .containsExactly("Title"));
        });
        assertThat(status.readValue().stage()).isEqualTo(Stage.CHUNKED);
        assertThat(chunks.isEmpty()).isTrue();
    }

    @Test
    void identicalRepublishEmitsNothing() {
        RawDocument doc = markdown("https://kb.test/a", "Same text.");
        docs.pipeInput(doc.docId(), doc);
        chunks.readRecordsToList();
        status.readRecordsToList();

        docs.pipeInput(doc.docId(), doc);

        assertThat(chunks.isEmpty()).isTrue();
        assertThat(status.isEmpty()).isTrue();
    }

    /**
     * A store that kept the write of a transaction that was aborted (the instance died before the commit) says the
     * version was chunked, yet its chunks and status never reached anyone. The record comes again at an offset the held
     * version does not lie beyond: it is a replay, not a republish, and must be chunked again, never skipped.
     */
    @Test
    void aRecordReadAgainAfterAnAbortedTransactionIsChunkedEvenWhenTheStoreKeptItsWrite() {
        RawDocument doc = markdown("https://kb.test/a", "Chunked in a transaction that was aborted.");
        KeyValueStore<String, LastVersion> versions = driver.getKeyValueStore(ChunkerTopology.VERSIONS_STORE);
        versions.put(doc.docId(), LastVersion.of(doc, 1, 0, false));

        docs.pipeInput(doc.docId(), doc);

        assertThat(chunks.readValuesToList())
                .singleElement()
                .isInstanceOfSatisfying(ChunkedDocument.class, chunked -> assertThat(chunked.version())
                        .isEqualTo(doc.version()));
        assertThat(status.readValue().stage()).isEqualTo(Stage.CHUNKED);
    }

    /**
     * A version that runs the chunker out of memory killed it, and after each restart it was read again and killed it
     * again: a poison pill that stopped its partition for good. After two deaths in it, it is dead-lettered unparsed.
     */
    @Test
    void aVersionTheChunkerDiedOfTwiceIsDeadLetteredUnparsedAndTheNextRecordsGoOn() throws Exception {
        RawDocument poison = markdown("https://kb.test/huge", "A document that ran the chunker out of memory.");
        RawDocument next = markdown("https://kb.test/next", "The record behind it.");
        Files.writeString(taskDirectory().resolve(AttemptMarker.FILE), "0 2");

        docs.pipeInput(poison.docId(), poison);
        docs.pipeInput(next.docId(), next);

        assertThat(deadLetters.readRecordsToList()).singleElement().satisfies(letter -> assertThat(
                        DeadLetter.readFrom(letter.headers()).orElseThrow().errorMessage())
                .contains("died 2 times"));
        List<ChunkMessage> out = chunks.readValuesToList();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isInstanceOfSatisfying(ChunkedDocument.class, failed -> {
            assertThat(failed.docId()).isEqualTo(poison.docId());
            assertThat(failed.chunks()).isEmpty();
        });
        assertThat(((ChunkedDocument) out.get(1)).chunks()).isNotEmpty();
        assertThat(status.readValuesToList())
                .extracting(DocumentStatus::stage)
                .containsExactly(Stage.FAILED, Stage.CHUNKED);
        assertThat(taskDirectory().resolve(AttemptMarker.FILE))
                .as("no work under way")
                .doesNotExist();
    }

    /** One death in a version may have another cause (the instance was killed): it is tried again. */
    @Test
    void aVersionTheChunkerDiedInOnceIsTriedAgain() throws Exception {
        RawDocument doc = markdown("https://kb.test/a", "Being chunked when the instance was killed.");
        Files.writeString(taskDirectory().resolve(AttemptMarker.FILE), "0 1");

        docs.pipeInput(doc.docId(), doc);

        assertThat(((ChunkedDocument) chunks.readValue()).chunks()).isNotEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(taskDirectory().resolve(AttemptMarker.FILE)).doesNotExist();
    }

    private Path taskDirectory() throws IOException {
        return Files.createDirectories(stateDir.resolve("chunker-test").resolve("0_0"));
    }

    /**
     * The embedder's store refused a version past its retries (its chunks removed, its status failed). Once the cause was
     * fixed, publishing the same version again was skipped as unchanged, and the document stayed out of the store.
     */
    @Test
    void aVersionALaterStageFailedIsChunkedAgainWhenPublishedAgain() {
        RawDocument doc = markdown("https://kb.test/a", "Refused by the store the first time.");
        docs.pipeInput(doc.docId(), doc);
        chunks.readValuesToList();
        status.readValuesToList();
        laterStatuses.pipeInput(
                doc.docId(),
                DocumentStatus.failed(
                        doc.docId(),
                        Optional.of("acme"),
                        Optional.of(doc.version()),
                        Optional.of(0L),
                        "the store refused a value"));

        docs.pipeInput(doc.docId(), doc);

        assertThat(chunks.readValuesToList()).singleElement().isInstanceOfSatisfying(ChunkedDocument.class, again -> {
            assertThat(again.version()).isEqualTo(doc.version());
            assertThat(again.sequence()).isEqualTo(1L);
            assertThat(again.chunks()).isNotEmpty();
        });
        assertThat(status.readValue().stage()).isEqualTo(Stage.CHUNKED);
    }

    /** A failure of an older version says nothing of the one the store holds now: its republish is still skipped. */
    @Test
    void aFailureOfAnOlderVersionLeavesTheRepublishOfTheCurrentOneSkipped() {
        RawDocument v1 = markdownFetchedAt("https://kb.test/a", "One.", CLOCK.instant());
        RawDocument v2 =
                markdownFetchedAt("https://kb.test/a", "Two.", CLOCK.instant().plusSeconds(1));
        docs.pipeInput(v1.docId(), v1);
        docs.pipeInput(v2.docId(), v2);
        chunks.readValuesToList();
        status.readValuesToList();
        laterStatuses.pipeInput(
                v1.docId(),
                DocumentStatus.failed(
                        v1.docId(), Optional.of("acme"), Optional.of(v1.version()), Optional.of(0L), "refused"));

        docs.pipeInput(v2.docId(), v2);

        assertThat(chunks.isEmpty()).isTrue();
        assertThat(status.isEmpty()).isTrue();
    }

    @Test
    void updateEmitsTheNewVersionWithNewChunkIds() {
        RawDocument v1 = markdown("https://kb.test/a", "Version one text.");
        RawDocument v2 = markdown("https://kb.test/a", "Version two text, longer than before.");

        docs.pipeInput(v1.docId(), v1);
        docs.pipeInput(v2.docId(), v2);

        List<ChunkMessage> out = chunks.readValuesToList();
        assertThat(out).hasSize(2);
        ChunkedDocument first = (ChunkedDocument) out.get(0);
        ChunkedDocument second = (ChunkedDocument) out.get(1);
        assertThat(second.version()).isEqualTo(v2.version()).isNotEqualTo(first.version());
        assertThat(second.chunks().getFirst().chunkId())
                .isNotEqualTo(first.chunks().getFirst().chunkId());
    }

    @Test
    void tombstoneEmitsADeletionAndForgetsTheVersion() {
        RawDocument doc = markdown("https://kb.test/a", "Soon gone.");
        docs.pipeInput(doc.docId(), doc);
        chunks.readRecordsToList();
        status.readRecordsToList();

        tombstone(doc.docId(), "acme");
        docs.pipeInput(doc.docId(), doc); // re-created with the same content: chunked again, not skipped

        List<ChunkMessage> out = chunks.readValuesToList();
        assertThat(out.get(0)).isEqualTo(new DocumentDeletion(doc.docId(), 1, CLOCK.instant(), Optional.of("acme")));
        assertThat(out.get(1)).isInstanceOf(ChunkedDocument.class);
        assertThat(status.readValuesToList())
                .extracting(DocumentStatus::stage)
                .containsExactly(Stage.DELETED, Stage.CHUNKED);
    }

    @Test
    void recordBreakingTheSchemaGoesToTheDeadLetterTopicWithTheReason() {
        byte[] broken = "{\"schemaVersion\":1,\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);

        rawBytes.pipeInput("crm:1", broken);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("crm:1");
        assertThat(dead.value()).isEqualTo(broken);
        DeadLetter reason = DeadLetter.readFrom(dead.headers()).orElseThrow();
        assertThat(reason.stage()).isEqualTo("chunker");
        assertThat(reason.sourceTopic()).isEqualTo(Topics.DOCS_RAW);
        assertThat(reason.errorMessage()).contains("$.docId", "required");
        DocumentStatus failed = status.readValue();
        assertThat(failed.stage()).isEqualTo(Stage.FAILED);
        assertThat(failed.reason().orElseThrow()).contains("$.docId");
        assertThat(chunks.isEmpty()).isTrue();
    }

    @Test
    void unparseableVersionIsDeadLetteredAndReplacesTheOldChunksWithNone() {
        RawDocument good = markdown("https://kb.test/report", "Readable first version.");
        RawDocument corrupt = corruptPdf();
        docs.pipeInput(good.docId(), good);
        chunks.readRecordsToList();
        status.readRecordsToList();

        docs.pipeInput(corrupt.docId(), corrupt);

        assertThat(DeadLetter.readFrom(deadLetters.readRecord().headers())
                        .orElseThrow()
                        .errorMessage())
                .contains("https://kb.test/report");
        ChunkedDocument replaced = (ChunkedDocument) chunks.readValue();
        assertThat(replaced.version()).isEqualTo(corrupt.version());
        assertThat(replaced.chunks()).isEmpty();
        assertThat(status.readValue().stage()).isEqualTo(Stage.FAILED);
    }

    /**
     * The version is the content's hash: a new title, tags, metadata or URI with the same content was skipped as
     * unchanged, and filters on the store kept matching the old tags.
     */
    @Test
    void aChangeOfTitleTagsMetadataOrUriAloneReachesTheStore() {
        RawDocument first = tagged("Quarterly report", List.of("draft"), Map.of("owner", "kim"), 0);
        docs.pipeInput(first.docId(), first);
        ChunkedDocument before = (ChunkedDocument) chunks.readValue();
        status.readRecordsToList();

        RawDocument retagged = tagged("Quarterly report (final)", List.of("final"), Map.of("owner", "lee"), 60);
        docs.pipeInput(retagged.docId(), retagged);

        ChunkedDocument after = (ChunkedDocument) chunks.readValue();
        assertThat(after.version()).isEqualTo(before.version());
        assertThat(after.sequence()).isGreaterThan(before.sequence());
        assertThat(after.document().tags()).containsExactly("final");
        assertThat(after.document().title()).contains("Quarterly report (final)");
        assertThat(after.document().metadata()).containsEntry("owner", "lee");
        assertThat(status.readValue().stage()).isEqualTo(Stage.CHUNKED);

        docs.pipeInput(
                retagged.docId(), tagged("Quarterly report (final)", List.of("final"), Map.of("owner", "lee"), 90));
        assertThat(chunks.isEmpty())
                .as("the same content and description again is unchanged")
                .isTrue();
    }

    /**
     * An unreadable version was remembered as done: publishing it again (after raising the limit its error names, or
     * once a parser fault is fixed) was skipped as unchanged, and the document stayed failed for good.
     */
    @Test
    void anUnreadableVersionPublishedAgainIsTriedAgain() {
        RawDocument corrupt = corruptPdf();
        docs.pipeInput(corrupt.docId(), corrupt);
        chunks.readRecordsToList();
        deadLetters.readRecordsToList();
        assertThat(status.readValue().stage()).isEqualTo(Stage.FAILED);

        docs.pipeInput(corrupt.docId(), corrupt);

        assertThat(deadLetters.readRecordsToList())
                .as("tried again, and failed again")
                .hasSize(1);
        assertThat(status.readValue().stage()).isEqualTo(Stage.FAILED);
    }

    /**
     * A store reads a document back whole, at most 16,384 rows (Milvus); a document cut into more was written and then
     * could not be read back or replaced on Milvus. It fails now, with the reason, on every store.
     */
    @Test
    void aDocumentCutIntoMoreChunksThanADocumentMayHaveFailsWithTheReason() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < FieldLimits.CHUNKS_PER_DOCUMENT + 100; i++) {
            text.append("# s").append(i).append("\n\nx\n\n");
        }
        RawDocument faq = markdown("https://kb.test/faq", text.toString());

        docs.pipeInput(faq.docId(), faq);

        ChunkedDocument emitted = (ChunkedDocument) chunks.readValue();
        assertThat(emitted.chunks()).isEmpty();
        assertThat(emitted.failure().orElseThrow()).contains("16,484 chunks, above the 16,384 one document may have");
        assertThat(status.readValue().stage()).isEqualTo(Stage.FAILED);
        assertThat(deadLetters.readRecordsToList()).hasSize(1);
    }

    /**
     * A version's chunks travel as one record; past the topic's limit the record failed the stream thread on every try,
     * and the thread was replaced to fail again. Such a version now fails with the reason (a small limit stands in for
     * the topic's 32 MiB here).
     */
    @Test
    void chunksThatDoNotFitOneRecordFailTheVersionWithTheReason() {
        var chunking = new DocumentChunking(
                parsers, new Chunker(tokenizer, new ChunkerSettings(64, 8, 8192)), CLOCK, 64 * 1024);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "chunker-test-small-records");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver small = new TopologyTestDriver(ChunkerTopology.build(chunking, CLOCK), properties)) {
            RawDocument big =
                    markdown("https://kb.test/big", "A sentence about renewals and their dates. ".repeat(4_000));
            small.createInputTopic(Topics.DOCS_RAW, new StringSerializer(), new RawDocumentSerde())
                    .pipeInput(big.docId(), big);

            ChunkedDocument emitted = (ChunkedDocument)
                    small.createOutputTopic(Topics.CHUNKS, new StringDeserializer(), new ChunkMessageSerde())
                            .readValue();
            assertThat(emitted.chunks()).isEmpty();
            assertThat(emitted.failure().orElseThrow())
                    .contains("https://kb.test/big cuts into")
                    .contains("above the 65,536 a chunks record holds");
        }
        assertThat(DocumentChunking.MAX_RECORD_BYTES)
                .isEqualTo(Topics.MAX_MESSAGE_BYTES - Topics.RECORD_OVERHEAD_BYTES);
    }

    @Test
    void badRecordDoesNotHoldBackTheGoodOnesBehindIt() {
        RawDocument before = markdown("https://kb.test/1", "Before the bad one.");
        RawDocument after = markdown("https://kb.test/2", "After the bad one.");

        docs.pipeInput(before.docId(), before);
        rawBytes.pipeInput("web:bad", "not json".getBytes(StandardCharsets.UTF_8));
        docs.pipeInput(after.docId(), after);

        assertThat(chunks.readKeyValuesToList())
                .extracting(kv -> kv.key)
                .containsExactly(before.docId(), after.docId());
        assertThat(deadLetters.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("web:bad");
    }

    @Test
    void eventsOfOneDocumentComeOutInTheirOrder() {
        RawDocument v1 = markdown("https://kb.test/a", "One.");
        RawDocument v2 = markdown("https://kb.test/a", "Two.");
        RawDocument v3 = markdown("https://kb.test/a", "Three.");

        docs.pipeInput(v1.docId(), v1);
        docs.pipeInput(v2.docId(), v2);
        tombstone(v1.docId(), "acme");
        docs.pipeInput(v3.docId(), v3);

        assertThat(chunks.readValuesToList())
                .extracting(m -> m instanceof ChunkedDocument c ? c.version() : "deleted")
                .containsExactly(v1.version(), v2.version(), "deleted", v3.version());
    }

    @Test
    void everyVersionCarriesTheSequenceOfItsOffsetOnDocsRaw() {
        RawDocument v1 = markdown("https://kb.test/a", "One.");
        RawDocument other = markdown("https://kb.test/b", "Other.");
        RawDocument v2 = markdown("https://kb.test/a", "Two.");

        docs.pipeInput(v1.docId(), v1);
        docs.pipeInput(other.docId(), other);
        docs.pipeInput(v2.docId(), v2);
        tombstone(v2.docId(), "acme");

        assertThat(chunks.readValuesToList())
                .extracting(ChunkMessage::docId, ChunkMessage::sequence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(v1.docId(), 0L),
                        org.assertj.core.groups.Tuple.tuple(other.docId(), 1L),
                        org.assertj.core.groups.Tuple.tuple(v2.docId(), 2L),
                        org.assertj.core.groups.Tuple.tuple(v2.docId(), 3L));
        assertThat(status.readValuesToList())
                .extracting(s -> s.sequence().orElseThrow())
                .containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void chunkIdsNameTheSequenceSoARepublishedOldVersionNeverSharesRowsWithItsFirstCopy() {
        RawDocument v1 = markdown("https://kb.test/a", "One.");
        RawDocument v2 = markdown("https://kb.test/a", "Two.");
        RawDocument v1Again =
                markdownFetchedAt("https://kb.test/a", "One.", CLOCK.instant().plusSeconds(60));

        docs.pipeInput(v1.docId(), v1);
        docs.pipeInput(v2.docId(), v2);
        docs.pipeInput(v1Again.docId(), v1Again);

        List<ChunkedDocument> out = chunks.readValuesToList().stream()
                .map(ChunkedDocument.class::cast)
                .toList();
        assertThat(out).extracting(ChunkedDocument::version).containsExactly(v1.version(), v2.version(), v1.version());
        assertThat(out.get(2).chunks().getFirst().chunkId())
                .isNotEqualTo(out.get(0).chunks().getFirst().chunkId());
    }

    @Test
    void anOlderFetchPublishedAfterANewerOneIsSupersededNotChunked() {
        Instant now = CLOCK.instant();
        RawDocument newer = markdownFetchedAt("https://kb.test/a", "Fetched second.", now);
        RawDocument older = markdownFetchedAt("https://kb.test/a", "Fetched first.", now.minusSeconds(30));

        docs.pipeInput(newer.docId(), newer);
        docs.pipeInput(older.docId(), older);

        assertThat(chunks.readValuesToList())
                .extracting(m -> ((ChunkedDocument) m).version())
                .containsExactly(newer.version());
        List<DocumentStatus> statuses = status.readValuesToList();
        assertThat(statuses).extracting(DocumentStatus::stage).containsExactly(Stage.CHUNKED, Stage.SUPERSEDED);
        assertThat(statuses.get(1).version()).contains(older.version());
        assertThat(statuses.get(1).reason().orElseThrow()).contains("before the version already chunked");
    }

    @Test
    void anOlderFetchCannotBringADeletedDocumentBack() {
        Instant now = CLOCK.instant();
        RawDocument live = markdownFetchedAt("https://kb.test/a", "Live.", now);
        RawDocument stale = markdownFetchedAt("https://kb.test/a", "Stale.", now.minusSeconds(30));

        docs.pipeInput(live.docId(), live);
        tombstone(live.docId(), "acme");
        docs.pipeInput(stale.docId(), stale);

        assertThat(chunks.readValuesToList()).hasSize(2).last().isInstanceOf(DocumentDeletion.class);
    }

    @Test
    void recordWhoseKeyIsNotItsDocIdIsRefused() {
        RawDocument doc = markdown("https://kb.test/a", "Keyed wrong.");

        docs.pipeInput("web:someone-else", doc);

        assertThat(DeadLetter.readFrom(deadLetters.readRecord().headers())
                        .orElseThrow()
                        .errorMessage())
                .contains("the record key is 'web:someone-else'");
        assertThat(chunks.isEmpty()).isTrue();
    }

    /**
     * docs.raw only recommended tenant-unique docIds: two outside producers of two tenants that both publish crm:1234
     * overwrote and deleted each other's chunks. A docId belongs to the tenant whose document holds it.
     */
    @Test
    void aDocumentOfAnotherTenantCannotReplaceOneUnderTheSameDocId() {
        RawDocument acme = crmRecord("acme", "Acme's renewal is due in May.", 0);
        RawDocument globex = crmRecord("globex", "Globex's account, published under the same id.", 60);
        docs.pipeInput(acme.docId(), acme);
        chunks.readRecordsToList();
        status.readRecordsToList();

        docs.pipeInput(globex.docId(), globex);

        assertThat(chunks.isEmpty())
                .as("nothing of globex's record reaches the store")
                .isTrue();
        assertThat(status.isEmpty())
                .as("acme's status for the docId stays acme's")
                .isTrue();
        assertThat(DeadLetter.readFrom(deadLetters.readRecord().headers())
                        .orElseThrow()
                        .errorMessage())
                .contains("docId crm:1234 belongs to another tenant than globex")
                .doesNotContain("acme");

        RawDocument acmeUpdate = crmRecord("acme", "Acme's renewal moved to June.", 120);
        docs.pipeInput(acmeUpdate.docId(), acmeUpdate);
        assertThat(((ChunkedDocument) chunks.readValue()).version()).isEqualTo(acmeUpdate.version());
    }

    /**
     * A tombstone carries no tenant of its own: it names it in a header, and a tenant deletes only its own documents.
     * Before, any producer could delete another tenant's document with a null record under its docId.
     */
    @Test
    void aTombstoneOfAnotherTenantOrOfNoTenantDeletesNothing() {
        RawDocument acme = crmRecord("acme", "Acme's renewal is due in May.", 0);
        docs.pipeInput(acme.docId(), acme);
        chunks.readRecordsToList();
        status.readRecordsToList();

        tombstone(acme.docId(), "globex");
        docs.pipeInput(acme.docId(), (RawDocument) null);

        assertThat(chunks.isEmpty()).as("no deletion reaches the store").isTrue();
        assertThat(status.isEmpty()).isTrue();
        assertThat(deadLetters.readRecordsToList())
                .extracting(dead ->
                        DeadLetter.readFrom(dead.headers()).orElseThrow().errorMessage())
                .satisfiesExactly(
                        reason -> assertThat(reason).contains("belongs to another tenant than globex"),
                        reason -> assertThat(reason).contains("names no tenant", Topics.TENANT_HEADER));

        tombstone(acme.docId(), "acme");
        assertThat(chunks.readValue()).isInstanceOf(DocumentDeletion.class);
    }

    /**
     * A record that breaks the schema was answered with a failed status of no tenant under its key: another tenant's
     * producer could turn a live document's status into its own failure, and the owner was shown that reason.
     */
    @Test
    void aBrokenRecordUnderAnotherTenantsDocIdLeavesTheOwnersStatusAlone() {
        RawDocument acme = crmRecord("acme", "Acme's renewal is due in May.", 0);
        docs.pipeInput(acme.docId(), acme);
        chunks.readRecordsToList();
        status.readRecordsToList();

        rawBytes.pipeInput("crm:1234", "{\"schemaVersion\":1,\"tenant\":\"globex\"}".getBytes(StandardCharsets.UTF_8));
        rawBytes.pipeInput("crm:1234", "not json at all".getBytes(StandardCharsets.UTF_8));
        rawBytes.pipeInput(new TestRecord<>(
                "crm:1234",
                "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders().add(Topics.TENANT_HEADER, "globex".getBytes(StandardCharsets.UTF_8))));

        assertThat(deadLetters.readRecordsToList()).hasSize(3);
        assertThat(status.isEmpty())
                .as("acme's status for the docId stays acme's")
                .isTrue();
        assertThat(chunks.isEmpty()).isTrue();

        rawBytes.pipeInput("crm:1234", "{\"schemaVersion\":1,\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8));
        DocumentStatus failed = status.readValue();
        assertThat(failed.stage()).isEqualTo(Stage.FAILED);
        assertThat(failed.tenant()).as("the owner's own broken record").contains("acme");
    }

    @Test
    void aDeletionsStatusNamesTheTenantWhoseDocumentItWas() {
        RawDocument acme = crmRecord("acme", "Acme's renewal is due in May.", 0);
        docs.pipeInput(acme.docId(), acme);
        status.readRecordsToList();

        tombstone(acme.docId(), "acme");

        DocumentStatus deleted = status.readValue();
        assertThat(deleted.stage()).isEqualTo(Stage.DELETED);
        assertThat(deleted.tenant()).contains("acme");
    }

    private void tombstone(String docId, String tenant) {
        docs.pipeInput(new TestRecord<>(
                docId, null, new RecordHeaders().add(Topics.TENANT_HEADER, tenant.getBytes(StandardCharsets.UTF_8))));
    }

    /** A record an outside producer keys by its own id, crm:1234, whatever the tenant. */
    private static RawDocument crmRecord(String tenant, String text, long secondsLater) {
        return RawDocument.builder()
                .docId("crm:1234")
                .tenant(tenant)
                .source("crm")
                .uri("crm://accounts/1234")
                .text("text/plain", text)
                .fetchedAt(CLOCK.instant().plusSeconds(secondsLater))
                .build();
    }

    /** A PDF no parser can read, at the URI of the report the tests update. */
    private static RawDocument corruptPdf() {
        return RawDocument.builder()
                .tenant("acme")
                .source("fs")
                .uri("https://kb.test/report")
                .bytes("application/pdf", "%PDF-1.7 not really".getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    private static RawDocument tagged(
            String title, List<String> tags, Map<String, String> metadata, long secondsLater) {
        return RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri("https://kb.test/report")
                .title(title)
                .tags(tags)
                .metadata(metadata)
                .text("text/plain", "Revenue grew in every region this quarter.")
                .fetchedAt(CLOCK.instant().plusSeconds(secondsLater))
                .build();
    }

    private static RawDocument markdown(String uri, String text) {
        return markdownFetchedAt(uri, text, CLOCK.instant());
    }

    private static RawDocument markdownFetchedAt(String uri, String text, Instant fetchedAt) {
        return RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri(uri)
                .text("text/markdown", text)
                .fetchedAt(fetchedAt)
                .build();
    }
}
