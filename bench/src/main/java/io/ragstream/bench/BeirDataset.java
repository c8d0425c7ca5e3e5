package io.ragstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.model.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A data set in the BEIR layout: {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text}), {@code queries.jsonl}
 * ({@code _id}, {@code text}) and {@code qrels/<split>.tsv} (query id, corpus id, graded relevance, after a header line).
 *
 * @param name the directory's name, which is how public sets are known ({@code scifact}, {@code nfcorpus}, ...)
 * @param queries query text by query id, in file order
 * @param qrels graded relevance by query id, then corpus id; a grade of 0 is a judged non-relevant document
 */
record BeirDataset(
        String name, List<Document> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {

    /** One corpus entry; the title may be empty. */
    record Document(String id, String title, String text) {}

    BeirDataset {
        corpus = List.copyOf(corpus);
        queries = Collections.unmodifiableMap(new LinkedHashMap<>(queries));
        qrels = Collections.unmodifiableMap(new LinkedHashMap<>(qrels));
    }

    /** Reads {@code dir} with the qrels of {@code split} (BEIR sets ship {@code test}, some also {@code dev}, {@code train}). */
    static BeirDataset load(Path dir, String split) {
        Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
        for (Path file : List.of(dir.resolve("corpus.jsonl"), dir.resolve("queries.jsonl"), qrelsFile)) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        file + " does not exist; a BEIR directory holds corpus.jsonl, queries.jsonl and qrels/" + split
                                + ".tsv (unzip a set from the BEIR download page, or pass --split)");
            }
        }
        List<Document> corpus = new ArrayList<>();
        readJsonLines(
                dir.resolve("corpus.jsonl"),
                node -> corpus.add(new Document(
                        node.path("_id").asText(),
                        node.path("title").asText(""),
                        node.path("text").asText(""))));
        Map<String, String> queries = new LinkedHashMap<>();
        readJsonLines(
                dir.resolve("queries.jsonl"),
                node -> queries.put(node.path("_id").asText(), node.path("text").asText("")));
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new BeirDataset(name == null ? dir.toString() : name.toString(), corpus, queries, readQrels(qrelsFile));
    }

    /** The qrels of the queries that {@code queries.jsonl} has and that have at least one relevant document. */
    Map<String, Map<String, Integer>> judgedQueries() {
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        qrels.forEach((query, grades) -> {
            if (queries.containsKey(query) && grades.values().stream().anyMatch(grade -> grade > 0)) {
                judged.put(query, grades);
            }
        });
        return judged;
    }

    private static Map<String, Map<String, Integer>> readQrels(Path file) {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " has " + fields.length
                        + " tab-separated fields; BEIR qrels have three: query-id, corpus-id, score");
            }
            int grade;
            try {
                grade = Integer.parseInt(fields[2].strip());
            } catch (NumberFormatException e) {
                if (i == 0) {
                    continue; // the header line: query-id, corpus-id, score
                }
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": score '" + fields[2] + "' is not an integer grade", e);
            }
            qrels.computeIfAbsent(fields[0].strip(), q -> new LinkedHashMap<>()).put(fields[1].strip(), grade);
        }
        return qrels;
    }

    private static void readJsonLines(Path file, Consumer<JsonNode> each) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.mapper().readTree(line);
                if (!node.hasNonNull("_id")) {
                    throw new IllegalArgumentException(file + " line " + number + " has no _id");
                }
                each.accept(node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
