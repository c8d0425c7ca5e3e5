package io.ragstream.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How /v1/answer asks the chat model, and which sources an answer cites. */
final class Answers {

    static final String INSTRUCTIONS = """
            You answer questions from the numbered passages of the context only. Cite every statement with the marker \
            of the passage it comes from, like [1] or [2][3]. If the context does not hold the answer, say that you do \
            not know; never make one up.""";

    private static final Pattern MARKER = Pattern.compile("\\[(\\d+)]");

    private Answers() {}

    /** The messages sent to the chat model: the instructions, then the context and the question. */
    static List<ChatCompletions.Message> prompt(String question, AssembledContext context) {
        return List.of(
                new ChatCompletions.Message("system", INSTRUCTIONS),
                new ChatCompletions.Message(
                        "user", "Context:\n\n" + context.text() + "\n\nQuestion: " + question.strip()));
    }

    /** The sources whose markers the answer uses, in number order; markers naming no source are ignored. */
    static List<AssembledContext.Source> cited(String answer, List<AssembledContext.Source> sources) {
        Set<Integer> numbers = new TreeSet<>();
        Matcher matcher = MARKER.matcher(answer);
        while (matcher.find()) {
            numbers.add(Integer.parseInt(matcher.group(1)));
        }
        List<AssembledContext.Source> cited = new ArrayList<>();
        for (AssembledContext.Source source : sources) {
            if (numbers.contains(source.number())) {
                cited.add(source);
            }
        }
        return cited;
    }
}
