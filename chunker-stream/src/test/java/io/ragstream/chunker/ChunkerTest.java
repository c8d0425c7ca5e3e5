package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedding.ModelSpec;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.Chunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static final long SEQUENCE = 1042;
    private static Tokenizer tokenizer;
    private static Parsers parsers;

    @BeforeAll
    static void load() {
        tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
        parsers = new Parsers(10_000_000, java.time.Duration.ofSeconds(60));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        parsers.close();
    }

    @Test
    void defaultBudgetIsTheModelsLimitLessItsSpecialTokens() {
        assertThat(ChunkerSettings.modelLimit(ModelSpec.BGE_SMALL_EN_V15_Q, tokenizer))
                .isEqualTo(510);
    }

    @Test
    void everyChunkOfTheSampleCorpusFitsTheModelAtEveryBudget() throws IOException {
        for (int maxTokens : new int[] {32, 128, 510}) {
            Chunker chunker = chunker(maxTokens, Math.min(32, maxTokens / 4));
            for (Path file : sampleCorpus()) {
                ParsedDocument parsed = parsers.parse(
                        Files.readAllBytes(file),
                        contentType(file),
                        file.toUri().toString());

                List<Chunk> chunks = chunker.chunk("fs:test", SEQUENCE, parsed);

                assertThat(chunks).as("%s at %d tokens", file, maxTokens).isNotEmpty();
                assertThat(chunks).allSatisfy(chunk -> {
                    assertThat(chunk.tokenCount()).isEqualTo(tokenizer.count(chunk.text()));
                    assertThat(chunk.tokenCount()).isBetween(1, maxTokens);
                });
            }
        }
    }

    @Test
    void chunksCarryTheirHeadingPathAndOffsetsIntoTheNormalisedText() {
        ParsedDocument parsed = markdown("""
                # Operations guide

                Intro paragraph.

                ## Disabling automatic commits

                Set enable.auto.commit to false. Commit after the write.

                ### Why

                Because a crash must replay the write.
                """);

        List<Chunk> chunks = chunker(510, 0).chunk("fs:guide", SEQUENCE, parsed);
        String normalised = normalisedText(parsed);

        assertThat(chunks)
                .extracting(Chunk::headingPath)
                .containsExactly(
                        List.of("Operations guide"),
                        List.of("Operations guide", "Disabling automatic commits"),
                        List.of("Operations guide", "Disabling automatic commits", "Why"));
        assertThat(chunks.get(1).text())
                .startsWith("Disabling automatic commits")
                .contains("Commit after the write.");
        assertThat(chunks).allSatisfy(chunk -> assertThat(normalised.substring(chunk.startOffset(), chunk.endOffset()))
                .isEqualTo(chunk.text()));
    }

    @Test
    void chunkIdsAndOrdinalsAreDeterministic() {
        ParsedDocument parsed = markdown("# A\n\n" + "Some sentence here. ".repeat(200));
        Chunker chunker = chunker(64, 8);

        List<Chunk> first = chunker.chunk("web:x", SEQUENCE, parsed);
        List<Chunk> second = chunker.chunk("web:x", SEQUENCE, parsed);

        assertThat(second).isEqualTo(first);
        assertThat(first)
                .extracting(Chunk::ordinal)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, first.size())
                        .boxed()
                        .toList());
        assertThat(first).extracting(Chunk::chunkId).allMatch(id -> id.startsWith("web:x#1042#"));
    }

    @Test
    void consecutiveChunksOverlapByAtMostTheConfiguredTokens() {
        ParsedDocument parsed = markdown("# Long\n\n" + "Sentence number one is here. ".repeat(100));

        List<Chunk> chunks = chunker(64, 16).chunk("fs:long", SEQUENCE, parsed);
        String normalised = normalisedText(parsed);

        assertThat(chunks).hasSizeGreaterThan(3);
        for (int i = 1; i < chunks.size(); i++) {
            Chunk previous = chunks.get(i - 1);
            Chunk current = chunks.get(i);
            assertThat(current.startOffset())
                    .as("chunk %d repeats the end of chunk %d", i, i - 1)
                    .isLessThan(previous.endOffset())
                    .isGreaterThan(previous.startOffset());
            String repeated = normalised.substring(current.startOffset(), previous.endOffset());
            assertThat(tokenizer.count(repeated)).isLessThanOrEqualTo(16);
        }
    }

    @Test
    void lineOfTwentyThousandCharactersWithoutSpacesIsCutWithinTheLimits() {
        String line = "x".repeat(12_000) + "가나다라".repeat(2_000);
        ParsedDocument parsed = parsers.parse(line.getBytes(StandardCharsets.UTF_8), "text/plain", "file:///line.txt");

        List<Chunk> chunks = chunker(510, 32).chunk("fs:line", SEQUENCE, parsed);

        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(tokenizer.count(chunk.text())).isLessThanOrEqualTo(510);
            assertThat(chunk.text().length()).isLessThanOrEqualTo(ChunkerSettings.DEFAULT_MAX_CHUNK_CHARS);
        });
        assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(line);
    }

    @Test
    void twoMegabyteTextIsChunkedCompletelyAndWithinTheLimit() {
        StringBuilder text = new StringBuilder();
        int paragraph = 0;
        while (text.length() < 2_000_000) {
            text.append("Paragraph ")
                    .append(paragraph++)
                    .append(". ")
                    .append("Streaming ingestion keeps the knowledge base fresh while documents change. ".repeat(5))
                    .append("\n\n");
        }
        ParsedDocument parsed =
                parsers.parse(text.toString().getBytes(StandardCharsets.UTF_8), "text/plain", "file:///big.txt");

        List<Chunk> chunks = chunker(510, 32).chunk("fs:big", SEQUENCE, parsed);

        int totalTokens = tokenizer.count(text.toString());
        assertThat(chunks.size()).isGreaterThanOrEqualTo(totalTokens / 510);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.tokenCount()).isLessThanOrEqualTo(510));
        assertThat(chunks.getLast().text()).contains("Paragraph " + (paragraph - 1) + ".");
    }

    @Test
    void koreanTextIsCutOnlyBetweenCharactersAndStaysComposed() {
        String korean = "스트리밍 파이프라인은 문서가 바뀔 때마다 지식 베이스를 최신으로 유지합니다. ".repeat(60);
        ParsedDocument parsed = parsers.parse(
                java.text.Normalizer.normalize(korean, java.text.Normalizer.Form.NFD)
                        .getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=utf-8",
                "file:///ko.txt");

        List<Chunk> chunks = chunker(64, 8).chunk("fs:ko", SEQUENCE, parsed);

        assertThat(chunks).hasSizeGreaterThan(5);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.tokenCount()).isLessThanOrEqualTo(64);
            assertThat(java.text.Normalizer.isNormalized(chunk.text(), java.text.Normalizer.Form.NFC))
                    .isTrue();
            assertThat(korean)
                    .contains(
                            chunk.text().substring(0, Math.min(10, chunk.text().length())));
        });
    }

    @Test
    void emptyDocumentHasNoChunks() {
        ParsedDocument parsed =
                parsers.parse("   \n\n  ".getBytes(StandardCharsets.UTF_8), "text/plain", "file:///e.txt");

        assertThat(chunker(510, 32).chunk("fs:empty", SEQUENCE, parsed)).isEmpty();
    }

    private static Chunker chunker(int maxTokens, int overlap) {
        return new Chunker(tokenizer, new ChunkerSettings(maxTokens, overlap, ChunkerSettings.DEFAULT_MAX_CHUNK_CHARS));
    }

    private static ParsedDocument markdown(String text) {
        return parsers.parse(text.getBytes(StandardCharsets.UTF_8), "text/markdown", "file:///doc.md");
    }

    /** The text chunk offsets refer to: the blocks joined by blank lines. */
    private static String normalisedText(ParsedDocument parsed) {
        return String.join("\n\n", parsed.blocks().stream().map(Block::text).toList());
    }

    static List<Path> sampleCorpus() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent().resolve("samples/corpus");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(
                            f -> f.toString().endsWith(".md") || f.toString().endsWith(".html"))
                    .sorted()
                    .toList();
        }
    }

    static String contentType(Path file) {
        return file.toString().endsWith(".html") ? "text/html; charset=utf-8" : "text/markdown";
    }
}
