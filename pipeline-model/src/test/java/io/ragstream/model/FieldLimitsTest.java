package io.ragstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FieldLimitsTest {

    @Test
    void lengthsAreCountedInUtf8BytesAsMilvusCountsThem() {
        assertThat(FieldLimits.utf8Length("abc")).isEqualTo(3);
        assertThat(FieldLimits.utf8Length("é")).isEqualTo(2);
        assertThat(FieldLimits.utf8Length("한국어")).isEqualTo(9);
        assertThat(FieldLimits.utf8Length("😀")).isEqualTo(4);
        String mixed = "서울 Seoul 😀 é";
        assertThat(FieldLimits.utf8Length(mixed)).isEqualTo(mixed.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aCutNeverSplitsACharacterAndKeepsAsMuchAsFits() {
        assertThat(FieldLimits.cut("한국어", 8)).isEqualTo("한국");
        assertThat(FieldLimits.cut("한국어", 9)).isEqualTo("한국어");
        assertThat(FieldLimits.cut("ab😀c", 5)).isEqualTo("ab");
        assertThat(FieldLimits.cut("ab😀c", 6)).isEqualTo("ab😀");
        assertThat(FieldLimits.cut("short", 1024)).isEqualTo("short");
    }

    @Test
    void aChunksHeadingsAreCutToTheSizeModel() {
        String heading = "갱신 ".repeat(500);

        Chunk chunk = new Chunk("d#1#0", 0, "text", 1, 0, 4, java.util.Collections.nCopies(70, heading));

        assertThat(chunk.headingPath())
                .hasSize(FieldLimits.HEADING_DEPTH)
                .allSatisfy(h -> assertThat(FieldLimits.utf8Length(h)).isLessThanOrEqualTo(FieldLimits.HEADING_BYTES));
    }
}
