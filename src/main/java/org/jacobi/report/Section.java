package org.jacobi.report;

import java.util.List;

/** A titled part of the report; {@code id} is the HTML anchor. */
public record Section(String id, String title, List<Block> blocks) {
    public Section {
        blocks = List.copyOf(blocks);
    }
}
