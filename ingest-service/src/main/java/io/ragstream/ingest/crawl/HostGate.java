package io.ragstream.ingest.crawl;

import crawlercommons.robots.BaseRobotRules;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Politeness towards one site ({@code scheme://host:port}): at most {@code concurrency} requests in flight, request
 * starts at least {@code delay} apart (a longer robots.txt {@code Crawl-delay} wins), and its robots.txt rules, read
 * once.
 */
final class HostGate {

    /** One request to the site. */
    interface Request<T> {
        T send() throws IOException, InterruptedException, RefusedException;
    }

    private final Semaphore slots;
    private final ReentrantLock robotsLock = new ReentrantLock();
    private volatile BaseRobotRules robots;
    private long delayNanos;
    private long nextStartNanos;

    HostGate(int concurrency, Duration delay) {
        this.slots = new Semaphore(concurrency, true);
        this.delayNanos = delay.toNanos();
        this.nextStartNanos = System.nanoTime();
    }

    /** Sends a request when a slot is free and the delay since the previous start has passed. */
    <T> T call(Request<T> request) throws IOException, InterruptedException, RefusedException {
        slots.acquire();
        try {
            awaitTurn();
            return request.send();
        } finally {
            slots.release();
        }
    }

    /** The site's robots.txt rules, loaded by the first caller while the others wait for them. */
    BaseRobotRules robots(Supplier<BaseRobotRules> loader) {
        BaseRobotRules rules = robots;
        if (rules != null) {
            return rules;
        }
        robotsLock.lock();
        try {
            if (robots == null) {
                BaseRobotRules loaded = loader.get();
                if (loaded.getCrawlDelay() > 0) {
                    slowDownTo(Duration.ofMillis(loaded.getCrawlDelay()));
                }
                robots = loaded;
            }
            return robots;
        } finally {
            robotsLock.unlock();
        }
    }

    Duration delay() {
        synchronized (this) {
            return Duration.ofNanos(delayNanos);
        }
    }

    private synchronized void slowDownTo(Duration delay) {
        delayNanos = Math.max(delayNanos, delay.toNanos());
    }

    private void awaitTurn() throws InterruptedException {
        long start;
        synchronized (this) {
            start = Math.max(System.nanoTime(), nextStartNanos);
            nextStartNanos = start + delayNanos;
        }
        long wait = start - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        // Woken late (a busy machine): the next request keeps its distance from when this one really starts.
        long now = System.nanoTime();
        synchronized (this) {
            nextStartNanos = Math.max(nextStartNanos, now + delayNanos);
        }
    }
}
