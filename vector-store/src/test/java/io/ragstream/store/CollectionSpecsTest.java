package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectionSpecsTest {

    private static final CollectionSpec SPEC = new CollectionSpec("bge-small-en-v1.5-q", 384, "korean");

    @Test
    void aSpecSurvivesTheTripThroughProperties() {
        assertThat(CollectionSpecs.fromProperties(CollectionSpecs.toProperties(SPEC)))
                .contains(SPEC);
    }

    @Test
    void propertiesWithoutASpecGiveNone() {
        assertThat(CollectionSpecs.fromProperties(Map.of("collection.ttl.seconds", "60")))
                .isEmpty();
    }

    @Test
    void onlyTheSameModelDimensionAndAnalyzerAreCompatible() {
        assertThatCode(() -> CollectionSpecs.requireCompatible("c", SPEC, SPEC)).doesNotThrowAnyException();
        assertThatThrownBy(
                        () -> CollectionSpecs.requireCompatible("c", SPEC, new CollectionSpec("other", 384, "korean")))
                .isInstanceOf(IncompatibleCollectionException.class);
        assertThatThrownBy(() ->
                        CollectionSpecs.requireCompatible("c", SPEC, new CollectionSpec(SPEC.modelId(), 768, "korean")))
                .isInstanceOf(IncompatibleCollectionException.class);
        assertThatThrownBy(() -> CollectionSpecs.requireCompatible("c", SPEC, new CollectionSpec(SPEC.modelId(), 384)))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(IncompatibleCollectionException.class)
                .hasMessageContaining("'korean', not 'standard'");
    }
}
