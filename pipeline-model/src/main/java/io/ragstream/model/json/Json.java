package io.ragstream.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ragstream.model.Topics;

/** The one JSON mapping every ragstream topic and API uses: ISO-8601 instants, {@code Optional} as absent-or-value. */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // A string may be as long as the largest record a topic holds: a document's base64 content is one.
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Topics.MAX_MESSAGE_BYTES)
                            .build())
                    .build())
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Internal topics are read leniently so one stage can add a field before the next one knows it;
            // the outside contract (docs.raw) is enforced by its JSON Schema instead.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /** The shared, fully configured mapper. It is thread-safe; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
