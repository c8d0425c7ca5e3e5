package io.ragstream.model.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.Chunk;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.DocumentInfo;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SerdesTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void tombstoneStaysNullBothWays() {
        var raw = new RawDocumentSerde();
        var chunks = new ChunkMessageSerde();

        assertThat(raw.serialize(Topics.DOCS_RAW, null)).isNull();
        assertThat(raw.deserialize(Topics.DOCS_RAW, null)).isNull();
        assertThat(chunks.serialize(Topics.CHUNKS, null)).isNull();
        assertThat(chunks.deserialize(Topics.CHUNKS, null)).isNull();
    }

    @Test
    void chunkedDocumentRoundTripsWithItsVariantTag() {
        RawDocument raw = RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri("https://example.com/guide")
                .title("Guide")
                .text("text/markdown", "# Guide\n\nHello.")
                .tags(List.of("guide"))
                .fetchedAt(AT)
                .build();
        Chunk chunk = new Chunk(Ids.chunkId(raw.docId(), 12, 0), 0, "Guide Hello.", 4, 0, 12, List.of("Guide"));
        ChunkMessage message = new ChunkedDocument(
                raw.docId(), raw.tenant(), raw.version(), 12, DocumentInfo.of(raw), List.of(chunk), AT);
        var serde = new ChunkMessageSerde();

        byte[] bytes = serde.serialize(Topics.CHUNKS, message);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"op\":\"upsert\"");
        assertThat(serde.deserialize(Topics.CHUNKS, bytes)).isEqualTo(message);
    }

    @Test
    void deletionRoundTripsAsItsOwnVariant() {
        ChunkMessage message =
                new DocumentDeletion("web:48a6075575fa15a3b39f3bbf961e7684", 13, AT, Optional.of("acme"));
        var serde = new ChunkMessageSerde();

        byte[] bytes = serde.serialize(Topics.CHUNKS, message);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"op\":\"delete\"");
        assertThat(serde.deserialize(Topics.CHUNKS, bytes))
                .isInstanceOf(DocumentDeletion.class)
                .isEqualTo(message);
    }

    @Test
    void aDeletionWrittenBeforeTenantsWereKeptReadsWithNoTenant() {
        byte[] old = ("{\"op\":\"delete\",\"docId\":\"web:1\",\"sequence\":4,\"deletedAt\":\"2026-11-22T10:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(new ChunkMessageSerde().deserialize(Topics.CHUNKS, old))
                .isEqualTo(new DocumentDeletion("web:1", 4, Instant.parse("2026-11-22T10:00:00Z"), Optional.empty()));
    }

    @Test
    void statusRoundTripsWithLowerCaseStage() {
        var serde = new DocumentStatusSerde();
        DocumentStatus failed = new DocumentStatus(
                "web:1",
                Optional.of("acme"),
                DocumentStatus.Stage.FAILED,
                Optional.of("abc"),
                Optional.of(12L),
                Optional.empty(),
                Optional.of("encrypted PDF"),
                AT);

        byte[] bytes = serde.serialize(Topics.STATUS, failed);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"stage\":\"failed\"");
        assertThat(serde.deserialize(Topics.STATUS, bytes)).isEqualTo(failed);
    }

    @Test
    void internalRecordsTolerateFieldsAddedByANewerStage() {
        String json = "{\"docId\":\"web:1\",\"stage\":\"indexed\",\"version\":\"abc\",\"chunkCount\":3,"
                + "\"updatedAt\":\"2026-11-22T10:00:00Z\",\"addedLater\":true}";

        DocumentStatus status =
                new DocumentStatusSerde().deserialize(Topics.STATUS, json.getBytes(StandardCharsets.UTF_8));

        assertThat(status.stage()).isEqualTo(DocumentStatus.Stage.INDEXED);
        assertThat(status.chunkCount()).contains(3);
        assertThat(Map.of("k", status.docId())).containsEntry("k", "web:1");
    }
}
