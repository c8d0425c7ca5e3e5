package io.ragstream.chunker;

import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Reads the main content of an HTML page with jsoup: navigation, headers, footers, asides, scripts and cookie banners are
 * dropped; the title, the canonical URL and the heading structure are kept. Markdown and Tika's XHTML come through here
 * too, so every format shares one notion of structure.
 */
public final class HtmlParser implements DocumentParser {

    private static final String BOILERPLATE = String.join(
            ",",
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "canvas",
            "iframe",
            "form",
            "button",
            "select",
            "nav",
            "header",
            "footer",
            "aside",
            "menu",
            "[role=navigation]",
            "[role=banner]",
            "[role=contentinfo]",
            "[role=complementary]",
            "[aria-hidden=true]",
            "[hidden]");
    private static final String BANNERS = String.join(
            ",",
            "div[class*=cookie]",
            "div[id*=cookie]",
            "div[class*=consent]",
            "div[id*=consent]",
            "div[class*=gdpr]",
            "section[class*=cookie]",
            "section[class*=consent]");
    private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");

    @Override
    public ParsedDocument parse(byte[] content, String contentType, String uri) {
        Charset charset = ContentTypes.charset(contentType).orElse(null);
        Document document = charset == null
                ? Jsoup.parse(new String(content, ContentTypes.decodeUtf8OrFail(content, uri)), uri)
                : Jsoup.parse(ContentTypes.decode(content, charset, uri), uri);
        return parse(document);
    }

    /** Parses HTML that is already text, e.g. rendered from Markdown or written by Tika. */
    public ParsedDocument parseHtml(String html, String uri) {
        return parse(Jsoup.parse(html, uri));
    }

    private ParsedDocument parse(Document document) {
        Optional<String> canonical = Optional.ofNullable(document.selectFirst("link[rel=canonical][href]"))
                .map(link -> link.absUrl("href"))
                .filter(url -> !url.isBlank());
        Optional<String> title =
                Optional.of(TextNormalizer.normalize(document.title())).filter(t -> !t.isEmpty());
        Element body = document.body();
        body.select(BOILERPLATE).remove();
        body.select(BANNERS).remove();
        Element main = Optional.ofNullable(body.selectFirst("main, [role=main]"))
                .or(() -> Optional.ofNullable(body.selectFirst("article")))
                .orElse(body);
        List<Block> blocks = new BlockCollector().collect(main);
        if (title.isEmpty()) {
            title = blocks.stream().filter(Block::heading).map(Block::text).findFirst();
        }
        return new ParsedDocument(title, canonical, blocks);
    }

    /** Walks the content once, cutting a block at every block-level element and emitting headings as their own. */
    private static final class BlockCollector implements NodeFilter {
        private final List<Block> blocks = new ArrayList<>();
        private final Deque<Heading> headings = new ArrayDeque<>();
        private final StringBuilder text = new StringBuilder();
        private int preDepth;

        private record Heading(int level, String text) {}

        List<Block> collect(Element root) {
            NodeTraversor.filter(this, root);
            flush();
            return blocks;
        }

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode textNode) {
                text.append(preDepth > 0 ? textNode.getWholeText() : textNode.text());
            } else if (node instanceof Element element) {
                String tag = element.normalName();
                if (HEADINGS.contains(tag)) {
                    flush();
                    heading(tag.charAt(1) - '0', TextNormalizer.normalize(element.text()));
                    return FilterResult.SKIP_CHILDREN;
                }
                if (tag.equals("br")) {
                    text.append('\n');
                } else if (element.isBlock()) {
                    flush();
                }
                if (tag.equals("pre")) {
                    preDepth++;
                }
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element element) {
                if (element.normalName().equals("pre")) {
                    preDepth--;
                }
                if (element.isBlock() && !HEADINGS.contains(element.normalName())) {
                    flush();
                }
            }
            return FilterResult.CONTINUE;
        }

        private void heading(int level, String title) {
            while (!headings.isEmpty() && headings.peekLast().level() >= level) {
                headings.removeLast();
            }
            if (title.isEmpty()) {
                return;
            }
            headings.addLast(new Heading(level, title));
            blocks.add(new Block(path(), title, true));
        }

        private void flush() {
            String block = TextNormalizer.normalize(text.toString());
            text.setLength(0);
            if (!block.isEmpty()) {
                blocks.add(new Block(path(), block, false));
            }
        }

        private List<String> path() {
            return headings.stream().map(Heading::text).toList();
        }
    }
}
