package io.ragstream.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ragstream.model.ContentEncoding;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How an upload becomes a document, without HTTP or Kafka. */
class UploadRulesTest {

    private final UploadRules rules = new UploadRules(UploadConfig.defaults());

    @Test
    void docIdIsTheTenantsAndTheSourcesHashOfTheClientsId() {
        RawDocument document = rules.document("acme", "guides/intro.md", text("text/markdown", "# Intro"));

        assertThat(document.docId()).isEqualTo(Ids.docId("acme", "upload", "guides/intro.md"));
        assertThat(document.tenant()).isEqualTo("acme");
        assertThat(document.source()).isEqualTo("upload");
        assertThat(document.uri()).isEqualTo("guides/intro.md");
        assertThat(rules.docId("globex", "guides/intro.md")).isNotEqualTo(document.docId());
    }

    @Test
    void idComesFromThePathThenTheBodyIdThenTheUriThenTheFileName() {
        Upload withUri = upload(Optional.of("https://example.com/a"), Optional.of("a.txt"), Map.of(), List.of());
        Upload withFileName = upload(Optional.empty(), Optional.of("a.txt"), Map.of(), List.of());

        assertThat(rules.id(Optional.of("p"), withUri)).isEqualTo("p");
        assertThat(rules.id(Optional.empty(), withUri)).isEqualTo("https://example.com/a");
        assertThat(rules.id(Optional.empty(), withFileName)).isEqualTo("a.txt");
        assertThatThrownBy(() -> rules.id(Optional.of(" "), withFileName)).hasMessageContaining("id is blank");
    }

    @Test
    void textBytesTravelAsTextAndBinaryAsBase64WithTheSameVersionEitherWay() {
        byte[] utf8 = "Grüße".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "Grüße".getBytes(StandardCharsets.ISO_8859_1);

        RawDocument fromText = rules.document("acme", "a", text("text/plain", "Grüße"));
        RawDocument fromBytes = rules.document("acme", "a", bytes("text/plain; charset=utf-8", utf8));
        RawDocument notUtf8 = rules.document("acme", "b", bytes("text/plain; charset=iso-8859-1", latin1));
        RawDocument pdf = rules.document("acme", "c", bytes("application/pdf", utf8));

        assertThat(fromBytes.contentEncoding()).isEqualTo(ContentEncoding.TEXT);
        assertThat(fromBytes.content()).isEqualTo("Grüße");
        assertThat(fromBytes.version()).isEqualTo(fromText.version()).isEqualTo(Ids.contentHash(utf8));
        assertThat(notUtf8.contentEncoding()).isEqualTo(ContentEncoding.BASE64);
        assertThat(notUtf8.contentBytes()).isEqualTo(latin1);
        assertThat(pdf.contentEncoding()).isEqualTo(ContentEncoding.BASE64);
    }

    @Test
    void metadataOverItsLimitIsRefusedNamingItsSizeAndTheSetting() {
        UploadRules small = new UploadRules(UploadConfig.defaults().withMaxMetadataBytes(100));
        Upload upload = upload(Optional.empty(), Optional.empty(), Map.of("k", "v".repeat(100)), List.of("t"));

        assertThatThrownBy(() -> small.document("acme", "a", upload))
                .isInstanceOf(RequestRefusedException.class)
                .hasMessageContaining("take 113 bytes as JSON, above upload.max-metadata-bytes=100");
    }

    @Test
    void contentTypesAreMatchedWithoutParametersAndByPrefix() {
        ContentTypes types = new ContentTypes(UploadConfig.DEFAULT_ALLOWED_CONTENT_TYPES);

        assertThat(types.allows("Text/HTML; charset=utf-8")).isTrue();
        assertThat(types.allows("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
                .isTrue();
        assertThat(types.allows("application/vnd.openxmlformats-officedocumentX"))
                .isFalse();
        assertThat(types.allows("image/png")).isFalse();
        assertThat(ContentTypes.guess("Deck.PPTX"))
                .contains("application/vnd.openxmlformats-officedocument.presentationml.presentation");
        assertThat(ContentTypes.guess("blob.bin")).isEmpty();
        assertThatThrownBy(() -> rules.contentType("text plain", "contentType"))
                .hasMessageContaining("is not a media type");
        assertThatThrownBy(() -> rules.contentType("image/png", "contentType"))
                .extracting(e -> ((RequestRefusedException) e).reason())
                .isEqualTo(RequestRefusedException.Reason.UNSUPPORTED_TYPE);
    }

    @Test
    void configurationRefusesLimitsTheContractCannotHold() {
        assertThatThrownBy(() -> UploadConfig.defaults().withMaxTags(65)).hasMessageContaining("upload.max-tags is 65");
        assertThatThrownBy(() -> UploadConfig.defaults().withSource("Up Load"))
                .hasMessageContaining("upload.source is 'Up Load'");
        assertThatThrownBy(() -> UploadConfig.defaults().withAllowedContentTypes())
                .hasMessageContaining("upload.allowed-content-types is empty");
    }

    private static Upload text(String contentType, String text) {
        return content(contentType, new Upload.Text(text));
    }

    private static Upload bytes(String contentType, byte[] bytes) {
        return content(contentType, new Upload.Bytes(bytes));
    }

    private static Upload content(String contentType, Upload.Content content) {
        return new Upload(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                contentType,
                content,
                Map.of(),
                List.of());
    }

    private static Upload upload(
            Optional<String> uri, Optional<String> fileName, Map<String, String> metadata, List<String> tags) {
        return new Upload(
                Optional.empty(), uri, Optional.empty(), fileName, "text/plain", new Upload.Text("a"), metadata, tags);
    }
}
