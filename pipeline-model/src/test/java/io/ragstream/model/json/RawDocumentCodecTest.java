package io.ragstream.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragstream.model.ContentEncoding;
import io.ragstream.model.ContractViolationException;
import io.ragstream.model.ContractViolationException.Violation;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RawDocumentCodecTest {

    private final RawDocumentCodec codec = RawDocumentCodec.instance();

    private static RawDocument koreanPage() {
        return RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri("https://example.com/ko/intro")
                .title("소개")
                .text("text/html; charset=utf-8", "<h1>소개</h1><p>ragstream은 지식 베이스를 최신으로 유지합니다.</p>")
                .metadata(Map.of("lang", "ko"))
                .tags(List.of("intro", "korean"))
                .fetchedAt(Instant.parse("2026-11-22T10:00:00Z"))
                .build();
    }

    @Test
    void textDocumentRoundTripsUnchanged() {
        RawDocument doc = koreanPage();

        assertThat(codec.decode(codec.encode(doc))).isEqualTo(doc);
        assertThat(doc.docId()).isEqualTo(Ids.docId("acme", "web", "https://example.com/ko/intro"));
        assertThat(doc.contentHash()).isEqualTo(Ids.contentHash(doc.content()));
    }

    @Test
    void binaryDocumentTravelsAsBase64AndHashesItsBytes() {
        byte[] pdf = "%PDF-1.7 fake but binary \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        RawDocument doc = RawDocument.builder()
                .source("fs")
                .uri("file:///kb/report.pdf")
                .bytes("application/pdf", pdf)
                .build();

        RawDocument read = codec.decode(codec.encode(doc));

        assertThat(read.contentEncoding()).isEqualTo(ContentEncoding.BASE64);
        assertThat(read.contentBytes()).isEqualTo(pdf);
        assertThat(read.contentHash()).isEqualTo(Ids.contentHash(pdf));
    }

    /**
     * The doors accept a document as large as a docs.raw record holds (about 24 MiB of content), but the JSON reader kept
     * Jackson's default of 20,000,000 characters per string: a binary of 15 MB or more, 20 MB once in base64, was
     * accepted at the door and dead-lettered by the chunker as "not valid JSON".
     */
    @Test
    void aDocumentAsLargeAsTheDoorsAcceptIsReadBack() {
        byte[] large = new byte[Topics.MAX_CONTENT_BYTES];
        new java.util.Random(7).nextBytes(large);
        RawDocument doc = RawDocument.builder()
                .source("fs")
                .uri("file:///kb/scan.pdf")
                .bytes("application/pdf", large)
                .build();

        byte[] json = codec.encode(doc);

        assertThat(json.length).isLessThan(Topics.MAX_MESSAGE_BYTES);
        assertThat(codec.decode(json).contentBytes()).isEqualTo(large);
    }

    /** The schema counts characters, a store UTF-8 bytes: a Korean tag of 100 characters fit one and not the other. */
    @Test
    void aTagOrAUriTooLongInUtf8BytesIsRefusedAtTheDoor() {
        RawDocument doc = RawDocument.builder()
                .source("crm")
                .uri("https://example.com/" + "문서".repeat(1400))
                .tags(List.of("ok", "태그".repeat(50)))
                .text("text/plain", "hello")
                .build();

        assertThatThrownBy(() -> codec.encode(doc))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field, Violation::rule)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("$.uri", "max-utf8-bytes"),
                                org.assertj.core.groups.Tuple.tuple("$.tags[1]", "max-utf8-bytes")))
                .hasMessageContaining("300 bytes in UTF-8, above the 256 a store keeps");
    }

    @Test
    void optionalFieldsMayBeLeftOut() {
        ObjectNode tree = validTree();
        tree.remove(List.of("title", "metadata", "tags", "contentEncoding"));

        RawDocument read = codec.decode(tree);

        assertThat(read.title()).isEmpty();
        assertThat(read.metadata()).isEmpty();
        assertThat(read.tags()).isEmpty();
        assertThat(read.contentEncoding()).isEqualTo(ContentEncoding.TEXT);
    }

    @Test
    void missingDocIdIsNamed() {
        assertRejected(tree -> tree.remove("docId"), "$.docId", "required");
    }

    @Test
    void wrongTypeIsNamed() {
        assertRejected(tree -> tree.put("tags", "not-a-list"), "$.tags", "type");
        assertRejected(tree -> tree.put("docId", 42), "$.docId", "type");
    }

    @Test
    void unknownSchemaVersionIsNamed() {
        ContractViolationException e =
                assertRejected(tree -> tree.put("schemaVersion", 2), "$.schemaVersion", "supported-version");
        assertThat(e).hasMessageContaining("is 2, an unknown schema version");
    }

    @Test
    void missingSchemaVersionIsNamed() {
        assertRejected(tree -> tree.remove("schemaVersion"), "$.schemaVersion", "required");
    }

    @Test
    void misspelledFieldIsNamed() {
        assertRejected(tree -> tree.put("docid", "web:abc"), "$.docid", "additionalProperties");
    }

    @Test
    void oversizedIdIsRefused() {
        assertRejected(tree -> tree.put("docId", "a".repeat(10_000)), "$.docId", "maxLength");
    }

    @Test
    void emptyContentIsRefused() {
        assertRejected(tree -> tree.put("content", ""), "$.content", "minLength");
    }

    @Test
    void timestampMustBeRfc3339() {
        assertRejected(tree -> tree.put("fetchedAt", "yesterday"), "$.fetchedAt", "format");
    }

    @Test
    void contentHashMustMatchTheContent() {
        ContractViolationException e = assertRejected(
                tree -> tree.put("content", "edited after hashing"), "$.contentHash", "sha256-of-content");
        assertThat(e).hasMessageContaining(Ids.contentHash("edited after hashing"));
    }

    @Test
    void base64ContentMustDecode() {
        assertRejected(
                tree -> {
                    tree.put("contentEncoding", "base64");
                    tree.put("content", "%%% not base64 %%%");
                },
                "$.content",
                "base64");
    }

    @Test
    void invalidJsonIsNamedAsSuch() {
        assertThatThrownBy(() -> codec.decode("{\"docId\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ContractViolationException.class, e -> {
                    assertThat(e.field()).isEqualTo("$");
                    assertThat(e.rule()).isEqualTo("json");
                })
                .hasMessageContaining("is not valid JSON");
    }

    @Test
    void everyBrokenRuleIsReportedNotOnlyTheFirst() {
        ObjectNode tree = validTree();
        tree.remove("docId");
        tree.put("tenant", "Upper Case");

        assertThat(codec.validate(tree)).extracting(Violation::field).contains("$.docId", "$.tenant");
    }

    @Test
    void encodingRefusesADocumentThatBreaksTheSchema() {
        RawDocument bad = RawDocument.builder()
                .tenant("Not A Tenant")
                .source("web")
                .uri("https://example.com")
                .text("text/plain", "hello")
                .build();

        assertThatThrownBy(() -> codec.encode(bad))
                .isInstanceOf(ContractViolationException.class)
                .hasMessageContaining("$.tenant");
    }

    private ObjectNode validTree() {
        return Json.mapper().valueToTree(koreanPage());
    }

    private ContractViolationException assertRejected(Consumer<ObjectNode> breakIt, String field, String rule) {
        ObjectNode tree = validTree();
        breakIt.accept(tree);
        byte[] bytes = tree.toString().getBytes(StandardCharsets.UTF_8);
        try {
            codec.decode(bytes);
        } catch (ContractViolationException e) {
            assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            assertThat(e.rule()).as(e.getMessage()).isEqualTo(rule);
            assertThat(e).hasMessageContaining(field);
            return e;
        }
        throw new AssertionError("expected " + tree + " to break rule " + rule + " of " + field);
    }
}
