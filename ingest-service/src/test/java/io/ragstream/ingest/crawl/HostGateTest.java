package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import crawlercommons.robots.BaseRobotRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HostGateTest {

    @Test
    void requestStartsAreAtLeastTheDelayApart() throws Exception {
        HostGate gate = new HostGate(2, Duration.ofMillis(80));
        List<Long> starts = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            gate.call(() -> starts.add(System.nanoTime()));
        }

        // A request runs a moment after its turn begins; 20 ms of slack for that on a busy machine, well below the
        // delay.
        long atLeast = TimeUnit.MILLISECONDS.toNanos(80 - 20);
        assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(atLeast);
        assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void noMoreRequestsThanTheConcurrencyAreInFlight() throws Exception {
        HostGate gate = new HostGate(2, Duration.ZERO);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    gate.call(() -> {
                        active.incrementAndGet();
                        release.await();
                        active.decrementAndGet();
                        return done.incrementAndGet();
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> active.get() == 2);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> active.get() == 2);
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(done).hasValue(6);
    }

    @Test
    void aLongerRobotsCrawlDelayWinsAndRobotsTxtIsReadOnce() {
        HostGate gate = new HostGate(2, Duration.ofMillis(100));
        AtomicInteger loads = new AtomicInteger();
        RobotsTxt robots = new RobotsTxt(CrawlConfig.DEFAULT_USER_AGENT);

        for (int i = 0; i < 3; i++) {
            BaseRobotRules rules = gate.robots(() -> {
                loads.incrementAndGet();
                return robots.parse(
                        "http://example.com/robots.txt",
                        "User-agent: *\nCrawl-delay: 3\n".getBytes(StandardCharsets.UTF_8),
                        "text/plain");
            });
            assertThat(rules.getCrawlDelay()).isEqualTo(3_000);
        }

        assertThat(loads).hasValue(1);
        assertThat(gate.delay()).isEqualTo(Duration.ofSeconds(3));
    }
}
