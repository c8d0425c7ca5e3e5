package io.ragstream.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON bodies read strictly into uploads, without HTTP. */
class UploadReaderTest {

    private final UploadReader reader = new UploadReader(
            new UploadRules(UploadConfig.defaults()), new BodyLimit(32L << 20, "upload.max-body-bytes=33,554,432"));

    @Test
    void textLongerThanJacksonsDefaultStringLimitIsRead() throws Exception {
        String text = "a".repeat(21_000_000);

        Upload upload = reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"" + text + "\"}"));

        assertThat(upload.content()).isEqualTo(new Upload.Text(text));
    }

    @Test
    void fieldsAreReadAsSentAndDuplicatesAreRefused() throws Exception {
        Upload upload = reader.json(body("{\"id\":\"a\",\"uri\":\"https://x/a\",\"title\":\"A\",\"contentType\":"
                + "\"text/plain\",\"base64\":\"aGk=\",\"metadata\":{\"k\":\"v\"},\"tags\":[\"t\"]}"));

        assertThat(upload.id()).contains("a");
        assertThat(upload.uri()).contains("https://x/a");
        assertThat(upload.title()).contains("A");
        assertThat(((Upload.Bytes) upload.content()).bytes()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(upload.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(upload.tags()).isEqualTo(List.of("t"));
        assertThatThrownBy(() -> reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"a\",\"text\":\"b\"}")))
                .hasMessageContaining("Duplicate field 'text'");
        assertThatThrownBy(() -> reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"a\",\"tags\":\"t\"}")))
                .hasMessage("field 'tags' must be an array of strings");
        assertThatThrownBy(() ->
                        reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"a\",\"metadata\":{\"k\":[1]}}")))
                .hasMessage("field 'metadata.k' must be a string");
        assertThatThrownBy(() -> reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"a\",\"metadata\":[]}")))
                .hasMessage("field 'metadata' must be an object whose values are strings");
        assertThatThrownBy(() -> reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"a\"} {}")))
                .hasMessageContaining("not one JSON object");
        assertThatThrownBy(() ->
                        reader.json(body("{\"contentType\":\"text/plain\",\"text\":\"a\",\"metadata\":{\"k\":null}}")))
                .hasMessageContaining("metadata value of 'k' is null");
    }

    private static ByteArrayInputStream body(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
