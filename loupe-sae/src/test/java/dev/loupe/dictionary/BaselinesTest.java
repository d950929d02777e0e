package dev.loupe.dictionary;

import dev.loupe.util.Rng;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BaselinesTest {
    @Test
    void jacobiOnKnownMatrices() {
        SymmetricEigen e = SymmetricEigen.of(new double[]{2, 1, 1, 2}, 2);
        assertEquals(3, e.values[0], 1e-12);
        assertEquals(1, e.values[1], 1e-12);
        assertEquals(1 / Math.sqrt(2), Math.abs(e.vectors[0]), 1e-12);
        assertEquals(e.vectors[0], e.vectors[1], 1e-12);   // (1, 1)/√2 up to sign
        // diag(5, -2, 0.5) conjugated by a known rotation: eigenvalues are the diagonal, eigenvectors its columns
        double c = Math.cos(0.7), s = Math.sin(0.7);
        double[] q = {c, -s, 0, s, c, 0, 0, 0, 1};
        double[] lam = {5, -2, 0.5};
        double[] a = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) a[i * 3 + j] += q[i * 3 + k] * lam[k] * q[j * 3 + k];
        SymmetricEigen r = SymmetricEigen.of(a, 3);
        assertArrayEquals(new double[]{5, 0.5, -2}, r.values, 1e-12);
        assertEquals(1.0, Math.abs(r.vectors[0] * c + r.vectors[1] * s), 1e-12);   // top vector = column 0 of q
        // random 30×30: A·v = λ·v and orthonormal rows
        Rng rng = new Rng(1);
        int d = 30;
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = i; j < d; j++) { double v = rng.nextGaussian(); m[i * d + j] = v; m[j * d + i] = v; }
        SymmetricEigen big = SymmetricEigen.of(m, d);
        for (int k = 0; k < d; k++) {
            for (int i = 0; i < d; i++) {
                double av = 0;
                for (int j = 0; j < d; j++) av += m[i * d + j] * big.vectors[k * d + j];
                assertEquals(big.values[k] * big.vectors[k * d + i], av, 1e-9);
            }
            for (int l = 0; l < d; l++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += big.vectors[k * d + j] * big.vectors[l * d + j];
                assertEquals(k == l ? 1 : 0, dot, 1e-10);
            }
            if (k > 0) assertTrue(big.values[k] <= big.values[k - 1]);
        }
    }

    @Test
    void pcaRecoversKnownAxesAndVariances() {
        int n = 20000, d = 3;
        double c = Math.cos(0.4), s = Math.sin(0.4);
        double[][] axes = {{c, s, 0}, {-s, c, 0}, {0, 0, 1}};
        double[] sd = {3, 2, 1};
        Rng r = new Rng(2);
        float[] x = new float[n * d];
        for (int b = 0; b < n; b++) for (int a = 0; a < 3; a++) {
            double z = sd[a] * r.nextGaussian();
            for (int j = 0; j < d; j++) x[b * d + j] += (float) (z * axes[a][j] + (j == 0 ? 10 : 0) / 3.0);
        }
        LinearDictionary pca = Baselines.pca(new ArraySource(x, d), n, 2);
        assertEquals(2, pca.dFeatures());
        for (int a = 0; a < 2; a++) {
            float[] dir = pca.direction(a);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += dir[j] * axes[a][j];
            assertEquals(1.0, Math.abs(dot), 1e-3, "PCA direction " + a);
        }
        var mo = Baselines.moments(new ArraySource(x, d), n, 512);
        assertEquals(10.0, mo.mean()[0], 0.1);
        // full-rank PCA reconstructs exactly
        LinearDictionary full = Baselines.pca(new ArraySource(x, d), n, 3);
        Tensor xt = new Tensor(java.util.Arrays.copyOf(x, 30), 10, 3);
        assertArrayEquals(xt.data(), full.decode(full.encode(xt)).data(), 1e-4f);
    }

    @Test
    void fastIcaUnmixesIndependentSources() {
        int n = 20000;
        Rng r = new Rng(3);
        float[] x = new float[n * 2];
        double[] s1 = new double[n], s2 = new double[n];
        for (int b = 0; b < n; b++) {
            s1[b] = -Math.log(1 - r.nextDouble()) - 1;          // exponential (skewed)
            s2[b] = (r.nextDouble() - 0.5) * Math.sqrt(12);      // uniform
            x[b * 2] = (float) (2 * s1[b] + 1 * s2[b]);
            x[b * 2 + 1] = (float) (1 * s1[b] - 1.5 * s2[b]);
        }
        LinearDictionary ica = Baselines.ica(new ArraySource(x, 2), n, 2, 4, 200);
        float[] codes = ica.encode(new Tensor(x, n, 2)).data();
        double best1 = 0, best2 = 0;
        for (int i = 0; i < 2; i++) {
            double[] ci = new double[n];
            for (int b = 0; b < n; b++) ci[b] = codes[b * 2 + i];
            best1 = Math.max(best1, Math.abs(corr(ci, s1)));
            best2 = Math.max(best2, Math.abs(corr(ci, s2)));
        }
        assertTrue(best1 > 0.99 && best2 > 0.99, "recovered sources correlate " + best1 + ", " + best2);
        // mixing direction of the exponential source is (2, 1)/√5, signed by its positive skew
        boolean found = false;
        for (int i = 0; i < 2; i++) {
            float[] dir = ica.direction(i);
            if ((dir[0] * 2 + dir[1]) / Math.sqrt(5) > 0.99) found = true;
        }
        assertTrue(found, "no ICA direction along the skewed source's mixing column");
    }

    static double corr(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.length; mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void neuronRandomAndTopK() {
        Tensor x = new Tensor(new float[]{1, -2, 3, 0.5f}, 1, 4);
        LinearDictionary neurons = Baselines.neuronBasis(4);
        assertArrayEquals(x.data(), neurons.encode(x).data());
        assertArrayEquals(x.data(), neurons.decode(neurons.encode(x)).data());
        assertArrayEquals(new float[]{0, -2, 3, 0}, neurons.withTopK(2).encode(x).data());   // by magnitude
        LinearDictionary rnd = Baselines.randomDirections(4, 16, 7);
        float[] codes = rnd.encode(x).data();
        int positive = 0;
        for (float c : codes) { assertTrue(c >= 0); if (c > 0) positive++; }
        assertTrue(positive > 0 && positive < 16);
        for (int i = 0; i < 16; i++) {
            double nn = 0;
            for (float v : rnd.direction(i)) nn += v * v;
            assertEquals(1.0, nn, 1e-5);
        }
        float[] top3 = rnd.withTopK(3).encode(x).data();
        int nz = 0;
        for (float c : top3) if (c != 0) nz++;
        assertEquals(Math.min(3, positive), nz);
        assertEquals("random-top3", rnd.withTopK(3).kind());
    }
}
