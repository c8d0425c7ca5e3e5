package io.ragstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void headersRoundTripTheReasonAndTheSourceRecord() {
        var error = new IllegalStateException("document web:3f2a is encrypted; supply the password or drop it");
        DeadLetter letter = DeadLetter.of("chunker", error, Topics.DOCS_RAW, 2, 41L);
        var headers = new RecordHeaders();

        letter.writeTo(headers);

        assertThat(DeadLetter.readFrom(headers)).contains(letter);
        assertThat(letter.errorClass()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void recordWithoutDeadLetterHeadersReadsAsEmpty() {
        assertThat(DeadLetter.readFrom(new RecordHeaders())).isEmpty();
    }

    @Test
    void longMessagesAreCutToKeepHeadersSmall() {
        DeadLetter letter = DeadLetter.of("embedder", new RuntimeException("x".repeat(10_000)), Topics.CHUNKS, 0, 0);

        assertThat(letter.errorMessage()).hasSize(DeadLetter.MAX_MESSAGE_CHARS).endsWith("…");
    }
}
