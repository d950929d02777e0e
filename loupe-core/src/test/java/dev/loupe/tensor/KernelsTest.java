package dev.loupe.tensor;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class KernelsTest {
    @Test
    void backendsHaveTheirDocumentedNames() {
        assertEquals("scalar", Kernels.backend("scalar").name());
        // the test JVM runs with --add-modules jdk.incubator.vector (surefire argLine)
        assertTrue(Kernels.available().contains("java-vector"));
        assertEquals("java-vector", Kernels.backend("java").name());
        assertEquals("java-vector", Kernels.backend("java-vector").name());
        if (Kernels.available().contains("openblas")) assertEquals("openblas", Kernels.backend("openblas").name());
        assertEquals("scalar", Kernels.available().getLast());
    }

    @Test
    void defaultIsTheFastestAvailable() {
        if (System.getProperty("loupe.backend") == null) {
            String want = Kernels.available().getFirst();
            assertEquals(want, Kernels.gemm().name());
        }
    }

    @Test
    void unknownBackendIsAConfigErrorListingTheChoices() {
        var e = assertThrows(ConfigException.class, () -> Kernels.backend("cuda"));
        assertTrue(e.getMessage().contains("cuda") && e.getMessage().contains("openblas") && e.getMessage().contains("scalar"),
                e.getMessage());
    }

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Kernels.setThreads(0));
    }
}
