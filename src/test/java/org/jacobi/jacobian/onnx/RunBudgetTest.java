package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.junit.jupiter.api.Test;

class RunBudgetTest {
    private static JacobianRequest request(long maxMemory) {
        return new JacobianRequest(Map.of(), null, null, BatchAxis.AUTO, JacobianMode.AUTO, maxMemory);
    }

    @Test
    void defaultBudgetIsCappedButKeepsOneWholeSample() {
        long preferred = ChunkPlan.PREFERRED_RUN_BYTES;
        long expected = Math.min(JacobianRequest.defaultMemoryBudget(), preferred);
        assertEquals(expected, ChunkPlan.runBudget(request(0), 1000, 10));
        // one sample of 128 directions larger than the cap (and than 64 of its pairs): the whole sample
        long bigSample = 2 * preferred;
        assertEquals(Math.min(JacobianRequest.defaultMemoryBudget(), bigSample),
            ChunkPlan.runBudget(request(0), bigSample / 128, 128));
    }

    @Test
    void givenBudgetIsKept() {
        assertEquals(1L << 40, ChunkPlan.runBudget(request(1L << 40), 1000, 10));
        assertEquals(5000, ChunkPlan.runBudget(request(5000), 1000, 10));
    }
}
