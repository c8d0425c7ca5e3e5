package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LastVersionTest {

    @Test
    void aDocumentsFirstVersionTakesItsOffset() {
        assertThat(LastVersion.next(Optional.empty(), 41)).isEqualTo(41);
    }

    @Test
    void laterVersionsTakeTheirOffsetWhichOnlyGrowsWithinAPartition() {
        LastVersion last = new LastVersion(Optional.of("v1"), 3, 41, Optional.empty(), Optional.of("acme"));

        assertThat(LastVersion.next(Optional.of(last), 97)).isEqualTo(97);
    }

    @Test
    void sequencesKeepGrowingWhenTheTopicStartsAgainFromOffsetZero() {
        // docs.raw deleted and made again: offsets restart, but the store holds sequences up to 97.
        LastVersion last = new LastVersion(Optional.of("v1"), 3, 97, Optional.empty(), Optional.of("acme"));

        assertThat(LastVersion.next(Optional.of(last), 0)).isEqualTo(98);
    }
}
