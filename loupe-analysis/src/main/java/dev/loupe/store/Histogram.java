// An activation histogram: bins [edges[i], edges[i+1]) with counts[i] (table histograms).
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record Histogram(float[] edges, long[] counts) {
    public Histogram {
        if (counts.length == 0 || edges.length != counts.length + 1)
            throw new ConfigException("histogram has " + edges.length + " edges for " + counts.length + " bins; it needs bins + 1 edges and at least one bin");
        for (int i = 1; i < edges.length; i++)
            if (!(edges[i] > edges[i - 1])) throw new ConfigException("histogram edges must increase strictly, edge " + i + " = " + edges[i] + " after " + edges[i - 1]);
    }
}
