package dev.loupe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SaeCommandsTest {
    record Out(int code, String out, String err) {}

    static Out run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Out(code, o.toString(), e.toString());
    }

    @Test
    void trainSaeSyntheticPrintsMmcsLast(@TempDir Path tmp) {
        Path sae = tmp.resolve("sae");
        Out r = run("train-sae", "--synthetic", "32:16:2", "--arch", "topk", "--set", "totalSteps=300", "--set", "batchSize=64",
                "--set", "geometricMedianSamples=64", "--out", sae.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("MMCS=0\\.\\d{4}"), last);
        assertTrue(Double.parseDouble(last.substring(5)) > 0.8, last);
        assertTrue(Files.isRegularFile(sae.resolve("sae_weights.safetensors")));

        Out eval = run("eval-sae", sae.toString(), "--synthetic", "32:16:2", "--rows", "2048", "--json", tmp.resolve("e.json").toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("FVU") && eval.out().contains("topk"), eval.out());
        assertTrue(Files.isRegularFile(tmp.resolve("e.json")));

        Out conv = run("convert-sae", sae.toString(), tmp.resolve("copy").toString());
        assertEquals(0, conv.code(), conv.err());
        assertTrue(Files.isRegularFile(tmp.resolve("copy/cfg.json")));
    }

    @Test
    void synthReportsEachArchitecture() {
        Out r = run("synth", "24:12:2", "--arch", "standard,topk", "--set", "totalSteps=100", "--set", "batchSize=32",
                "--set", "geometricMedianSamples=32", "--mcc-rows", "256");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("MMCS") && r.out().contains("MCC"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("standard ")) && r.out().lines().anyMatch(l -> l.startsWith("topk ")), r.out());
    }

    @Test
    void badInputsGiveOneLineErrors(@TempDir Path tmp) {
        Out noData = run("train-sae");
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("--synthetic"), noData.err());
        Out badSpec = run("train-sae", "--synthetic", "512x128");
        assertEquals(2, badSpec.code());
        assertTrue(badSpec.err().contains("N_FEATURES:DIM:K"), badSpec.err());
        Out badKey = run("train-sae", "--synthetic", "8:4:1", "--set", "lrr=1");
        assertEquals(2, badKey.code());
        assertTrue(badKey.err().contains("'lrr'"), badKey.err());
        Out missing = run("eval-sae", tmp.toString(), "--synthetic", "8:4:1");
        assertEquals(3, missing.code());
        assertEquals(1, missing.err().strip().split("\n").length, missing.err());
    }
}
