package org.jacobi.report;

import java.util.List;

/** One piece of report content. Both writers render the same blocks, so HTML and PDF say the same. */
public sealed interface Block {

    /** A paragraph of plain text. */
    record Paragraph(String text) implements Block {
    }

    /** A highlighted statement (warnings, the local-sensitivity caveat). */
    record Callout(String text, boolean warning) implements Block {
    }

    /**
     * A table; {@code numericColumns[i]} right-aligns column i.
     *
     * @param caption shown above the table; may be empty
     */
    record Table(String caption, List<String> header, List<List<String>> rows, boolean[] numericColumns)
        implements Block {
        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
        }

        /** A two-column label/value table without header. */
        public static Table keyValues(String caption, List<List<String>> rows) {
            return new Table(caption, List.of(), rows, new boolean[2]);
        }
    }

    /**
     * An image with its caption.
     *
     * @param png the PNG bytes
     * @param alt text that stands for the image
     * @param width pixel width
     * @param height pixel height
     */
    record Figure(byte[] png, String alt, String caption, int width, int height) implements Block {
    }
}
