package org.jacobi.autodiff.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.autodiff.RuleRegistry;
import org.junit.jupiter.api.Test;

/** The operator table in docs/autodiff.md is the one generated from the registry. */
class OperatorDocsTest {
    private static final Path DOCS = Path.of("docs", "autodiff.md");

    @Test
    void committedTableMatchesTheRegistry() throws Exception {
        String table = OperatorDocs.render(RuleRegistry.standard());
        String text = Files.readString(DOCS, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("jacobi.writeDocs")) {
            OperatorDocs.main(new String[] {DOCS.toString()});
            text = Files.readString(DOCS, StandardCharsets.UTF_8);
        }
        int begin = text.indexOf(OperatorDocs.BEGIN);
        int end = text.indexOf(OperatorDocs.END);
        assertTrue(begin >= 0 && end > begin, "docs/autodiff.md lacks the operator table markers");
        String committed = text.substring(begin, end + OperatorDocs.END.length() + 1);
        assertEquals(table, committed, "docs/autodiff.md's operator table is out of date with RuleRegistry.standard(); "
            + "regenerate it with: ./mvnw -o test -Dtest=OperatorDocsTest -Djacobi.writeDocs=true");
    }

    @Test
    void everyRegisteredOperatorIsListed() {
        String table = OperatorDocs.render(RuleRegistry.standard());
        for (String op : RuleRegistry.standard().operators()) {
            assertTrue(table.contains("| " + op + " | "), op + " is missing from the generated table");
        }
    }
}
