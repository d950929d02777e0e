// One page of results; next is the cursor for the following page, null on the last page.
package dev.loupe.store;

import java.util.List;

public record Page<T>(List<T> items, FeatureQuery.Cursor next) {
    public Page { items = List.copyOf(items); }
}
