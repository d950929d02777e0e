package dev.loupe.tensor;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The OpenBLAS settings made before the library loads (see {@code OpenBlasGemm.shortenSpinWait}). */
class OpenBlasSettingsTest {
    @Test
    void idleWorkersSpinBrieflyUnlessTheUserChose() {
        Assumptions.assumeTrue(Kernels.available().contains(Kernels.OPENBLAS), "OpenBLAS is not installed here");
        String user = System.getenv(OpenBlasGemm.THREAD_TIMEOUT_ENV);
        int expected = Integer.parseInt(user != null ? user.strip() : OpenBlasGemm.THREAD_TIMEOUT);
        assertEquals(expected, OpenBlasGemm.spinTimeoutExponent());
    }
}
