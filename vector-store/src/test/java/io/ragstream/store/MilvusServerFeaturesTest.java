package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MilvusServerFeaturesTest {

    @Test
    void milvus23HasNoTextSearchAndLosesPartitionKeyUpserts() {
        assertThat(MilvusServerFeatures.of("v2.3.5-lite"))
                .isEqualTo(new MilvusServerFeatures("v2.3.5-lite", false, false, false));
    }

    @Test
    void milvus24KeepsPartitionKeyUpsertsButHasNoBm25() {
        assertThat(MilvusServerFeatures.of("v2.4.15"))
                .isEqualTo(new MilvusServerFeatures("v2.4.15", false, true, false));
    }

    @Test
    void milvus25AndLaterHaveEverything() {
        assertThat(MilvusServerFeatures.of("2.5.11")).isEqualTo(new MilvusServerFeatures("2.5.11", true, true, true));
        assertThat(MilvusServerFeatures.of("v2.6.4")).isEqualTo(new MilvusServerFeatures("v2.6.4", true, true, true));
        assertThat(MilvusServerFeatures.of("v3.0.0")).isEqualTo(new MilvusServerFeatures("v3.0.0", true, true, true));
    }

    @Test
    void anUnreadableVersionIsTakenForACurrentServer() {
        assertThat(MilvusServerFeatures.of("unknown")).isEqualTo(new MilvusServerFeatures("unknown", true, true, true));
    }
}
