package org.jacobi.ui;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.jacobi.core.JacobiException;

/**
 * Something the user must read: a short message and optional details (the technical cause) shown in an
 * expandable section.
 */
public record UserMessage(String text, String details, boolean error) {
    public static UserMessage error(Throwable e) {
        String text = e instanceof JacobiException && e.getMessage() != null
            ? e.getMessage()
            : "Unexpected error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        return new UserMessage(text, sw.toString(), true);
    }

    public static UserMessage info(String text) {
        return new UserMessage(text, null, false);
    }
}
