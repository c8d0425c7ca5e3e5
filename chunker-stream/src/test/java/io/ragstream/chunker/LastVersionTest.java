package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.json.JsonSerde;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LastVersionTest {

    @Test
    void aDocumentsFirstVersionTakesItsOffset() {
        assertThat(LastVersion.next(Optional.empty(), 41)).isEqualTo(41);
    }

    @Test
    void laterVersionsTakeTheirOffsetWhichOnlyGrowsWithinAPartition() {
        LastVersion last = new LastVersion(
                Optional.of("v1"), 3, 41, Optional.empty(), Optional.of("acme"), Optional.empty(), false);

        assertThat(LastVersion.next(Optional.of(last), 97)).isEqualTo(97);
    }

    @Test
    void sequencesKeepGrowingWhenTheTopicStartsAgainFromOffsetZero() {
        // docs.raw deleted and made again: offsets restart, but the store holds sequences up to 97.
        LastVersion last = new LastVersion(
                Optional.of("v1"), 3, 97, Optional.empty(), Optional.of("acme"), Optional.empty(), false);

        assertThat(LastVersion.next(Optional.of(last), 0)).isEqualTo(98);
    }

    @Test
    void stateWrittenBeforeDescriptionsWereKeptReadsAsUnknownSoTheNextPublishIsChunkedOnce() {
        byte[] old = "{\"version\":\"v1\",\"chunkCount\":3,\"sequence\":41,\"tenant\":\"acme\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        LastVersion last = new JsonSerde<>(LastVersion.class).deserializer().deserialize("state", old);

        assertThat(last.failed()).isFalse();
        assertThat(last.description()).isEmpty();
        assertThat(last.version()).contains("v1");
    }
}
