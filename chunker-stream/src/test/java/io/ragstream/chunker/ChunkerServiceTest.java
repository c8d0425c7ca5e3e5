package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ChunkerServiceTest {

    /**
     * Streams' exactly-once transaction lived 10 s, the parse timeout 60 s: a parse longer than the transaction had the
     * broker abort it, the record was processed again, and its stream thread never got past it (a livelock).
     */
    @Test
    void theTransactionAndThePollIntervalOutliveTheSlowestRecord() {
        Properties properties = ChunkerService.streamsProperties(ChunkerConfig.defaults(), Map.of());

        long parseMs = ChunkerConfig.defaults().chunker().parseTimeout().toMillis();
        assertThat(((Number) properties.get("producer.transaction.timeout.ms")).longValue())
                .isGreaterThan(2 * parseMs)
                .isLessThanOrEqualTo(Duration.ofMinutes(15).toMillis());
        assertThat(((Number) properties.get("consumer.max.poll.interval.ms")).longValue())
                .isGreaterThan(2 * parseMs);
    }

    @Test
    void aTransactionTimeoutNoLongerThanTheParseTimeoutIsRefusedNamingBoth() {
        assertThatThrownBy(() -> ChunkerService.streamsProperties(
                        ChunkerConfig.defaults(), Map.of("transaction.timeout.ms", "10000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "kafka.transaction.timeout.ms=10000 is not longer than chunker.parse-timeout=PT1M")
                .hasMessageContaining("the chunker takes 240000 ms");
    }

    @Test
    void aLongerConfiguredTransactionTimeoutIsKept() {
        Properties properties = ChunkerService.streamsProperties(
                ChunkerConfig.defaults(), Map.of("producer.transaction.timeout.ms", "600000"));

        assertThat(properties.get("producer.transaction.timeout.ms")).isEqualTo("600000");
    }

    @Test
    void aChunkTooLongForTheStoreInSomeScriptIsRefusedAtStart() {
        assertThatThrownBy(() -> new ChunkerConfig.Chunking(0, 64, 20_000, 5_000_000, Duration.ofMinutes(1)))
                .hasMessageContaining("chunker.max-chunk-chars is 20000; it may be at most 16383");
    }
}
