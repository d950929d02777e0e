package dev.loupe.io;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class InspectorTest {
    @Test
    void tensorNamesSortNumerically() {
        List<String> names = new ArrayList<>(List.of("layers.10.w", "layers.2.w", "layers.1.w", "layers.1.b", "a", "layers.02.x"));
        names.sort(Inspector::naturalCompare);
        assertEquals(List.of("a", "layers.1.b", "layers.1.w", "layers.2.w", "layers.02.x", "layers.10.w"), names);
    }
}
