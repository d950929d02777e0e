// One batch of windows as the streaming analysis sees it: the windows and their token ids
// [windows][seq], the dictionary codes [windows*seq, features] (row = window*seq + position), the
// hook activations [windows*seq, dIn] and, when this batch supplies ablation samples, the final
// residual stream [windows*seq, d_model] (else null).
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;

record Batch(TokenWindows.Window[] windows, int[][] tokens, int seq, float[] codes, int features,
             float[] hook, int dIn, float[] resid, int dModel) {}
