package dev.loupe.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's FLOP count by hand, and that a run reports consistent numbers (no timing asserted). */
class ForwardBenchmarkTest {
    @Test
    void flopCountByHand() {
        TransformerConfig c = TransformerConfig.builder().nLayers(1).dModel(8).nHeads(2).vocab(10).nCtx(16).build();
        // rows 4: qkv 2·4·8·24 = 1536, out 2·4·8·8 = 512, mlp 2·4·8·32·2 = 4096, unembed 2·4·8·10 = 640;
        // attention: 2 heads × (1+2+3+4) visible pairs × d_head 4 × (score + mix) × 2 FLOPs = 320
        assertEquals(1536 + 512 + 4096 + 320 + 640, ForwardBenchmark.flops(c, 1, 4), 1e-9);
        // prefill unembeds 1 of the 4 positions: 2·1·8·10 = 160 instead of 640
        assertEquals(1536 + 512 + 4096 + 320 + 160, ForwardBenchmark.prefillFlops(c, 1, 4), 1e-9);
    }

    @Test
    void runReportsThroughput() {
        TransformerConfig c = TransformerConfig.builder().name("bench-tiny").nLayers(1).dModel(16).nHeads(2).vocab(32).nCtx(32).build();
        ForwardBenchmark.Result r = ForwardBenchmark.run(RandomInit.model(c, 1), 2, 8, 1, 1, 1);
        assertEquals(16, r.batch() * r.seq());
        assertTrue(r.tokensPerSecond() > 0 && r.medianMs() > 0 && r.gflops() > 0, r.toString());
        assertEquals(16 / (r.medianMs() / 1e3), r.tokensPerSecond(), 1e-6 * r.tokensPerSecond());
        assertTrue(r.ceilingGflops() > 0 && r.fractionOfCeiling() > 0, r.toString());
        // one run: the fraction is that run's forward GFLOP/s over that run's ceiling
        assertEquals(r.gflops() / r.ceilingGflops(), r.fractionOfCeiling(), 1e-9 * r.fractionOfCeiling());
        ForwardBenchmark.Result p = ForwardBenchmark.run(RandomInit.model(c, 1), 2, 8, 1, 1, 1, true);
        assertTrue(p.prefill() && !r.prefill());
        assertEquals(ForwardBenchmark.prefillFlops(c, 2, 8) / (p.medianMs() / 1e3) / 1e9, p.gflops(), 1e-9 * p.gflops());
    }
}
