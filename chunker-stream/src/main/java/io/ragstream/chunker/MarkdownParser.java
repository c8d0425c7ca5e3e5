package io.ragstream.chunker;

import java.nio.charset.StandardCharsets;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** Reads Markdown with commonmark and hands the rendered HTML to {@link HtmlParser}, so {@code #} headings give paths. */
public final class MarkdownParser implements DocumentParser {

    private final Parser markdown = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder().build();
    private final HtmlParser html;

    public MarkdownParser(HtmlParser html) {
        this.html = html;
    }

    @Override
    public ParsedDocument parse(byte[] content, String contentType, String uri) {
        String text =
                ContentTypes.decode(content, ContentTypes.charset(contentType).orElse(StandardCharsets.UTF_8), uri);
        return html.parseHtml(renderer.render(markdown.parse(text)), uri);
    }
}
