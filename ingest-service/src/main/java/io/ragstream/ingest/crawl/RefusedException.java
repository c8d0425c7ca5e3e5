package io.ragstream.ingest.crawl;

/** An address or response the crawler will not take, with the reason: it is counted as skipped, never as failed. */
final class RefusedException extends Exception {

    RefusedException(String reason) {
        super(reason);
    }
}
