package io.ragstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static String span(String text, Tokens tokens, int i) {
        return text.substring(tokens.starts()[i], tokens.ends()[i]);
    }

    @Test
    void countsContentTokensWithoutTheModelsSpecialTokens() {
        assertThat(tokenizer.count("hello world")).isEqualTo(2);
        assertThat(tokenizer.encodeForModel("hello world").size()).isEqualTo(4);
        assertThat(tokenizer.specialTokenCount()).isEqualTo(2);
    }

    @Test
    void neverTruncatesALongText() {
        String sentence = "streaming ingestion keeps knowledge fresh ";
        String longText = sentence.repeat(300);

        assertThat(tokenizer.count(longText))
                .isEqualTo(300 * tokenizer.count(sentence))
                .isGreaterThan(512);
    }

    @Test
    void spansPointIntoTheOriginalTextIncludingKorean() {
        String text = "Kafka는 스트림을 저장합니다. Milvus stores vectors.";

        Tokens tokens = tokenizer.encode(text);

        assertThat(tokens.size()).isPositive();
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(tokens.starts()[i]).isBetween(0, text.length());
            assertThat(tokens.ends()[i]).isBetween(tokens.starts()[i], text.length());
        }
        // WordPiece cuts "Kafka" into "ka" + "##fk" + "##a"; the spans give back the original characters, case
        // included.
        assertThat(span(text, tokens, 0)).isEqualTo("Ka");
        assertThat(span(text, tokens, 1)).isEqualTo("fk");
        assertThat(span(text, tokens, 2)).isEqualTo("a");
        // This uncased vocabulary spells a Hangul syllable as jamo: three tokens share the one character "는".
        assertThat(List.of(span(text, tokens, 3), span(text, tokens, 4), span(text, tokens, 5)))
                .containsOnly("는");
        int last = tokens.size() - 1;
        assertThat(text.substring(tokens.starts()[last], tokens.ends()[last])).isEqualTo(".");
    }

    @Test
    void truncateNeverSplitsACharacterSpelledBySeveralTokens() {
        String text = "스트림을 저장합니다";

        for (int max = 0; max <= 8; max++) {
            String cut = tokenizer.truncate(text, max);

            assertThat(text).startsWith(cut);
            assertThat(tokenizer.count(cut))
                    .as("cut to %d tokens: '%s'", max, cut)
                    .isLessThanOrEqualTo(max);
        }
        assertThat(tokenizer.truncate(text, 2)).isEqualTo("스");
        assertThat(tokenizer.truncate(text, 3)).isEqualTo("스");
    }

    @Test
    void truncateKeepsTheLongestPrefixThatFits() {
        String text = "one two three four five six";

        String cut = tokenizer.truncate(text, 3);

        assertThat(cut).isEqualTo("one two three");
        assertThat(tokenizer.count(cut)).isEqualTo(3);
        assertThat(tokenizer.truncate(text, 100)).isEqualTo(text);
        assertThat(tokenizer.truncate(text, 0)).isEmpty();
    }
}
