package io.ragstream.ingest.upload;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client sent, whichever way it came (a JSON body or a multipart form), before {@link UploadRules} make a
 * document of it. The content type is allowed and the content is not empty; the rest is still unchecked.
 *
 * @param fileName the name of the uploaded file, for a multipart upload
 */
record Upload(
        Optional<String> id,
        Optional<String> uri,
        Optional<String> title,
        Optional<String> fileName,
        String contentType,
        Content content,
        Map<String, String> metadata,
        List<String> tags) {

    /** The document's content as the client sent it. */
    sealed interface Content permits Text, Bytes {}

    /** Text, from a JSON body's {@code text} field. */
    record Text(String text) implements Content {}

    /** Bytes, from a JSON body's {@code base64} field or an uploaded file. */
    record Bytes(byte[] bytes) implements Content {}

    Upload {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(content, "content");
        metadata = Map.copyOf(metadata);
        tags = List.copyOf(tags);
    }
}
