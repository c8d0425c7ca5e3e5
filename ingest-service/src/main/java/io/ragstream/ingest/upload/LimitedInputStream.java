package io.ragstream.ingest.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read no further than a limit: the read that would pass it fails with {@link TooLargeException}, so a
 * body without a Content-Length (chunked) is refused after at most the limit, never read whole.
 */
final class LimitedInputStream extends FilterInputStream {

    /** The body goes on past the limit. */
    static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("the request body goes on past " + limit + " bytes");
        }
    }

    private final long limit;
    private long read;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        // One byte past the limit is enough to tell a body that ends at it from one that goes on.
        int n = super.read(buffer, offset, (int) Math.min(length, limit - read + 1));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, limit - read + 1));
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws TooLargeException {
        read += n;
        if (read > limit) {
            throw new TooLargeException(limit);
        }
    }
}
