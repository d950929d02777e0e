package dev.loupe.lm;

import dev.loupe.tensor.Kernels;
import dev.loupe.util.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The data-parallel step of {@link Gpt2}: the batch cut into shards (here of 1 to 3 sequences, with
 * very different numbers of targets per shard) must give the loss and gradient of the same batch as
 * one shard (itself checked against finite differences in {@code Gpt2Test}), and the same bits for
 * any thread count.
 */
class DataParallelTest {
    static final Gpt2Config SHAPE = new Gpt2Config(11, 6, 2, 8, 2, 12, Gpt2Config.Activation.GELU_NEW, 1e-5f);
    static final int B = 5, T = 6;
    private final int savedThreads = Kernels.threads();

    @AfterEach void restore() { Kernels.setThreads(savedThreads); }

    /** Random tokens; sequence 0 keeps one target, sequence 3 none, the others all: shards hold 1 to 12 targets. */
    static int[][] batch() {
        var r = new Random(3);
        int[] in = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < in.length; i++) { in[i] = r.nextInt(11); tg[i] = r.nextInt(11); }
        for (int i = 1; i < T; i++) tg[i] = -1;
        for (int i = 3 * T; i < 4 * T; i++) tg[i] = -1;
        return new int[][]{in, tg};
    }

    static Gpt2 model(int shardTokens) {
        Gpt2 m = new Gpt2(SHAPE, shardTokens);
        m.initialize(new Rng(7));
        var r = new Random(8);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (r.nextGaussian() * 0.3);   // away from the symmetric init
        return m;
    }

    /** shardTokens T: 5 shards of 1 sequence; 2T: 3 shards (1, 2, 2); 3T: 2 shards (2, 3). */
    @ParameterizedTest @ValueSource(ints = {T, 2 * T, 3 * T})
    void shardedGradientEqualsTheWholeBatchGradient(int shardTokens) {
        int[][] data = batch();
        Gpt2 whole = model(1 << 20), sharded = model(shardTokens);
        double lossWhole = whole.forward(data[0], data[1], B, T);
        whole.backward();
        double lossSharded = sharded.forward(data[0], data[1], B, T);
        sharded.backward();
        assertEquals(lossWhole, lossSharded, 1e-6 * Math.abs(lossWhole));
        float[] gw = whole.grads(), gs = sharded.grads();
        for (ParamLayout.Slice s : whole.layout().slices()) {
            double num = 0, den = 0;
            for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                num = Math.max(num, Math.abs(gs[i] - gw[i]));
                den = Math.max(den, Math.abs(gw[i]));
            }
            // float sums in a different order: ~1e-7 relative; a dropped, doubled or mis-weighted shard: O(1)
            assertTrue(num <= 1e-5 * den + 1e-9, s.hfName() + ": max |sharded − whole| " + num + " of max |whole| " + den);
        }
        assertEquals(lossWhole, sharded.loss(data[0], data[1], B, T), 1e-6 * Math.abs(lossWhole), "evaluation loss");
    }

    @Test void oneAndTwoThreadsGiveTheSameBits() {
        int[][] data = batch();
        float[][] grads = new float[2][];
        double[] losses = new double[2];
        for (int threads = 1; threads <= 2; threads++) {
            Kernels.setThreads(threads);
            Gpt2 m = model(2 * T);
            losses[threads - 1] = m.forward(data[0], data[1], B, T);
            m.backward();
            grads[threads - 1] = m.grads().clone();
        }
        assertEquals(losses[0], losses[1]);
        assertArrayEquals(grads[0], grads[1]);
    }

    /** The fused step runs the same shard computations as forward then backward: the same bits, also when repeated (no state left over). */
    @ParameterizedTest @ValueSource(ints = {T, 3 * T, 1 << 20})
    void forwardBackwardGivesTheBitsOfForwardThenBackward(int shardTokens) {
        Kernels.setThreads(2);
        int[][] data = batch();
        Gpt2 separate = model(shardTokens), fused = model(shardTokens);
        for (int round = 0; round < 2; round++) {
            double a = separate.forward(data[0], data[1], B, T);
            separate.backward();
            double b = fused.forwardBackward(data[0], data[1], B, T);
            assertEquals(a, b, "loss, round " + round);
            assertArrayEquals(separate.grads(), fused.grads(), "gradients, round " + round);
        }
        assertThrows(IllegalStateException.class, fused::backward, "the fused step leaves no forward for backward");
    }
}
