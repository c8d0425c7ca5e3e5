package io.ragstream.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class LimitedInputStreamTest {

    @Test
    void bodyThatEndsAtTheLimitIsReadWhole() throws Exception {
        try (InputStream in = new LimitedInputStream(new ByteArrayInputStream(new byte[1_000]), 1_000)) {
            assertThat(in.readAllBytes()).hasSize(1_000);
        }
    }

    @Test
    void bodyThatGoesOnPastTheLimitFailsAtTheByteAfterIt() throws Exception {
        InputStream endless = new InputStream() {
            private long served;

            @Override
            public int read() {
                served++;
                return 'a';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                served += length;
                return length;
            }

            @Override
            public String toString() {
                return "served " + served;
            }
        };
        try (InputStream in = new LimitedInputStream(endless, 1_000)) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(LimitedInputStream.TooLargeException.class)
                    .hasMessageContaining("past 1000 bytes");
        }
        assertThat(endless).hasToString("served 1001");
    }
}
