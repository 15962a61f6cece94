package org.jacobi.ui.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jacobi.ui.inputs.ValueChoices.Entry;
import org.junit.jupiter.api.Test;

class ValueChoicesTest {
    private static final List<String> VALUES = List.of("/conv/Conv_output_0", "/Relu_output_0", "/score/Conv_output_0", "y");

    @Test
    void inputsFirstThenTheValuesGroupedByModuleUnderHeaders() {
        assertEquals(List.of(Entry.value("x"), new Entry("/conv", true), Entry.value("/conv/Conv_output_0"),
                new Entry("inside the graph", true), Entry.value("/Relu_output_0"), Entry.value("y"), new Entry("/score", true),
                Entry.value("/score/Conv_output_0")),
            ValueChoices.entries(List.of("x"), VALUES, ""));
        // an output the model also lists among its values stays with the outputs only
        assertEquals(Entry.value("y"), ValueChoices.entries(List.of("y"), VALUES, null).get(0));
        assertEquals(7, ValueChoices.entries(List.of("y"), VALUES, null).size());
    }

    @Test
    void theFilterKeepsMatchingNamesAndTheirGroupsHeaders() {
        assertEquals(List.of(new Entry("/conv", true), Entry.value("/conv/Conv_output_0"), new Entry("/score", true),
            Entry.value("/score/Conv_output_0")), ValueChoices.entries(List.of("x"), VALUES, " CONV "));
        assertEquals(List.of(), ValueChoices.entries(List.of("x"), VALUES, "nothing like it"));
    }
}
