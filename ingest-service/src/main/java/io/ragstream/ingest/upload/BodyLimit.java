package io.ragstream.ingest.upload;

import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.KafkaDocumentSink;

/**
 * The largest request body the API reads: {@code upload.max-body-bytes}, lowered to the content one record of the sink
 * holds when that is less.
 *
 * @param description the limit and where it comes from, for messages
 */
record BodyLimit(long bytes, String description) {

    static BodyLimit of(UploadConfig config, DocumentSink sink) {
        if (sink instanceof KafkaDocumentSink kafka && kafka.maxContentBytes() < config.maxBodyBytes()) {
            return new BodyLimit(
                    kafka.maxContentBytes(),
                    "%,d bytes, the most one docs.raw record holds (upload.max-body-bytes=%,d is above it)"
                            .formatted(kafka.maxContentBytes(), config.maxBodyBytes()));
        }
        return new BodyLimit(config.maxBodyBytes(), "upload.max-body-bytes=%,d".formatted(config.maxBodyBytes()));
    }

    /** The refusal of a body that is, or goes on, past the limit. */
    RequestRefusedException refusal(String body) {
        return RequestRefusedException.tooLarge(
                "%s, above %s; send a smaller document, or raise the limit".formatted(body, description));
    }
}
