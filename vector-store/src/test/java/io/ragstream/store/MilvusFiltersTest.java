package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MilvusFiltersTest {

    @Test
    void aTenantFilterIsOneEquality() {
        assertThat(MilvusFilters.of(SearchFilter.tenant("acme"))).isEqualTo("tenant == \"acme\" and ordinal >= 0");
    }

    @Test
    void everyPartJoinsWithAndInAStableOrder() {
        SearchFilter filter = SearchFilter.tenant("acme")
                .withSources(Set.of("web", "crm"))
                .withDocIds(Set.of("web:b", "web:a"))
                .withTags(Set.of("public"))
                .withUriPrefix("https://a/")
                .withIngestedBetween(Optional.of(Instant.ofEpochMilli(1000)), Optional.of(Instant.ofEpochMilli(2000)));

        assertThat(MilvusFilters.of(filter))
                .isEqualTo("tenant == \"acme\" and source in [\"crm\", \"web\"] and doc_id in [\"web:a\", \"web:b\"]"
                        + " and array_contains_any(tags, [\"public\"])"
                        + " and (uri >= \"https://a/\" and uri < \"https://a0\")"
                        + " and ingested_at >= 1000 and ingested_at < 2000 and ordinal >= 0");
    }

    @Test
    void quotesBackslashesAndLineBreaksAreEscaped() {
        assertThat(MilvusFilters.quote("a\"b\\c\nd\re\tf")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\"");
        assertThat(MilvusFilters.of(SearchFilter.tenant("x\" or tenant != \"")))
                .isEqualTo("tenant == \"x\\\" or tenant != \\\"\" and ordinal >= 0");
    }

    @Test
    void otherCharactersArePassedThroughAsTheyAre() {
        assertThat(MilvusFilters.quote("서울 %_'~")).isEqualTo("\"서울 %_'~\"");
    }

    @Test
    void aWriteReadsEveryRowOfItsDocumentsAndAReaderOnlyTheirChunks() {
        assertThat(MilvusFilters.documentsAre(java.util.List.of("web:a", "web:\"b\"")))
                .isEqualTo("doc_id in [\"web:a\", \"web:\\\"b\\\"\"]");
        assertThat(MilvusFilters.chunksOf("web:a")).isEqualTo("doc_id == \"web:a\" and ordinal >= 0");
    }

    @Test
    void thePrefixUpperBoundIsThePrefixWithItsLastCodePointRaised() {
        assertThat(MilvusFilters.prefixUpperBound("abc")).contains("abd");
        assertThat(MilvusFilters.prefixUpperBound("a_")).contains("a`");
        assertThat(MilvusFilters.prefixUpperBound("a~")).contains("a\u007f");
        assertThat(MilvusFilters.prefixUpperBound("x\ud7ff")).contains("x\ue000");
        assertThat(MilvusFilters.prefixUpperBound("a\udbff\udfff")).contains("b");
        assertThat(MilvusFilters.prefixUpperBound("\udbff\udfff")).isEmpty();
    }

    @Test
    void anEmptyUriPrefixLetsEveryUriThrough() {
        assertThat(MilvusFilters.of(SearchFilter.tenant("acme").withUriPrefix("")))
                .isEqualTo("tenant == \"acme\" and ordinal >= 0");
    }
}
