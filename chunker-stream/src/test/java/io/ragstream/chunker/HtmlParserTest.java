package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HtmlParserTest {

    private final HtmlParser parser = new HtmlParser();

    @Test
    void keepsTheMainContentAndDropsNavigationFootersScriptsAndCookieBanners() throws IOException {
        ParsedDocument page = parse(sample("en/dead-letter-queues.html"));
        String text = String.join("\n", page.blocks().stream().map(Block::text).toList());

        assertThat(text).contains("A dead-letter queue is the third way.");
        assertThat(text)
                .doesNotContain("ragstream docs", "Compaction", "We use cookies", "Privacy", "analytics", "Related:");
        assertThat(page.title()).contains("Dead-letter queues done right");
        assertThat(page.canonicalUri()).contains("https://docs.ragstream.io/guides/dead-letter-queues");
    }

    @Test
    void headingsBecomePathsOfTheBlocksBelowThem() throws IOException {
        ParsedDocument page = parse(sample("en/dead-letter-queues.html"));

        Block reprocessing = page.blocks().stream()
                .filter(block -> block.text().startsWith("Because the original bytes are kept"))
                .findFirst()
                .orElseThrow();
        assertThat(reprocessing.headingPath()).containsExactly("Dead-letter queues done right", "Reprocessing");
    }

    @Test
    void koreanPageKeepsItsTextAndStructure() throws IOException {
        ParsedDocument page = parse(sample("ko/vector-db.html"));

        assertThat(page.title()).contains("벡터 데이터베이스 고르기");
        assertThat(page.blocks()).anySatisfy(block -> {
            assertThat(block.headingPath()).containsExactly("벡터 데이터베이스 고르기", "일관성");
            assertThat(block.text()).contains("강한 일관성은 정확하지만 느리고");
        });
        assertThat(page.blocks()).noneMatch(block -> block.text().contains("ragstream 문서"));
    }

    @Test
    void pageWithoutTitleTakesItsFirstHeading() {
        ParsedDocument page =
                parser.parseHtml("<body><h2>Only heading</h2><p>Body text.</p></body>", "https://x.test/");

        assertThat(page.title()).contains("Only heading");
        assertThat(page.blocks()).extracting(Block::text).containsExactly("Only heading", "Body text.");
    }

    @Test
    void deeplyNestedMarkupIsReadWithoutError() {
        String html = "<div>".repeat(5_000) + "deep text" + "</div>".repeat(5_000);

        ParsedDocument page = parser.parseHtml(html, "https://x.test/deep");

        assertThat(page.blocks()).extracting(Block::text).containsExactly("deep text");
    }

    @Test
    void bytesThatAreNotValidInTheDeclaredCharsetAreRefused() {
        byte[] latin1 = "café".getBytes(Charset.forName("ISO-8859-1"));

        assertThatThrownBy(() -> parser.parse(latin1, "text/html; charset=utf-8", "https://x.test/cafe"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("is labelled UTF-8 but is not valid UTF-8");
        assertThat(parser.parse(latin1, "text/html; charset=iso-8859-1", "https://x.test/cafe")
                        .blocks())
                .extracting(Block::text)
                .containsExactly("café");
    }

    private ParsedDocument parse(Path file) throws IOException {
        return parser.parse(Files.readAllBytes(file), "text/html", file.toUri().toString());
    }

    static Path sample(String name) {
        return Path.of(System.getProperty("user.dir"))
                .getParent()
                .resolve("samples/corpus")
                .resolve(name);
    }
}
