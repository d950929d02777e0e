// Binary classification metrics of a probe on held-out rows. Conventions (tested on hand cases):
// predictions are score > 0; F1 and MCC are 0 when undefined (no predicted or no actual
// positives; a zero MCC denominator); ROC-AUC is the Mann-Whitney probability that a random
// positive scores above a random negative, ties counting 1/2; PR-AUC is average precision,
// sum over distinct score thresholds (descending) of (recall gain) x precision, tied scores
// entering together (as scikit-learn's average_precision_score). Both AUCs are NaN for one class.
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

public record Metrics(double accuracy, double f1, double mcc, double rocAuc, double prAuc) {

    public static Metrics of(int[] y, double[] score) {
        if (y.length != score.length || y.length == 0)
            throw new ConfigException("metrics need as many scores as labels (and at least one), got " + score.length + " and " + y.length);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < y.length; i++) {
            boolean pred = score[i] > 0;
            if (y[i] == 1) { if (pred) tp++; else fn++; } else { if (pred) fp++; else tn++; }
        }
        double acc = (double) (tp + tn) / y.length;
        double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        double den = Math.sqrt((double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        double mcc = den == 0 ? 0 : ((double) tp * tn - (double) fp * fn) / den;
        return new Metrics(acc, f1, mcc, rocAuc(y, score), averagePrecision(y, score));
    }

    static double rocAuc(int[] y, double[] score) {
        int n = y.length;
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> score[i])).toArray(Integer[]::new);
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {              // midranks over runs of tied scores
            int j = i;
            while (j < n && score[order[j]] == score[order[i]]) j++;
            double midrank = (i + 1 + j) / 2.0;    // mean of ranks i+1..j
            for (int t = i; t < j; t++) if (y[order[t]] == 1) { rankSumPos += midrank; pos++; }
            i = j;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    static double averagePrecision(int[] y, double[] score) {
        int n = y.length;
        long totalPos = Arrays.stream(y).filter(v -> v == 1).count();
        if (totalPos == 0 || totalPos == n) return Double.NaN;
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> -score[i])).toArray(Integer[]::new);
        double ap = 0, prevRecall = 0;
        long tp = 0, seen = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && score[order[j]] == score[order[i]]) j++;
            for (int t = i; t < j; t++) if (y[order[t]] == 1) tp++;
            seen += j - i;
            double recall = (double) tp / totalPos;
            ap += (recall - prevRecall) * ((double) tp / seen);
            prevRecall = recall;
            i = j;
        }
        return ap;
    }
}
