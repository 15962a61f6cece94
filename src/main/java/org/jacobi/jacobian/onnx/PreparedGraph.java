package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OrtSession;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.DifferentiatedGraph;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.lowering.ForwardBlockLayout;
import org.jacobi.jacobian.lowering.OrtLowering;
import org.jacobi.jacobian.lowering.SeedBroadcast;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * A differentiated graph ready to run, made by {@link OnnxGraphPreparer}: its session, what chunking needs to know
 * (bytes per (sample, direction) pair, the per-sample output shape), the output its runs write into a block, its
 * cached seeds, and a one-thread CPU session of the same graph for small runs, opened when first needed.
 */
final class PreparedGraph implements AutoCloseable {
    /**
     * The result of an input-Jacobian graph in the Jacobian's own layout, so that it is copied out in contiguous blocks:
     * forward mode {@code [B, *out, K]} (columns k0..k0+K of each sample's Jacobian), reverse mode {@code [B, K, *in]}
     * (rows). (Copying a reverse result {@code [K, B, *in]} row by row in Java instead measured no faster: the per-row
     * loop costs what the Transpose saves, and more while the JIT is cold.)
     */
    static final String BLOCK = "jacobi/jacobian_block";

    /**
     * Runs estimated below this many bytes go to the one-thread session. Measured on mlp_tanh (8 -> 4, reverse):
     * 256 and 1024 samples a run were 1.3x and 1.7x faster on one thread than on two, 4096 samples 1.1x slower.
     */
    static final long SERIAL_RUN_BYTES = 4L << 20;

    private final OnnxGraphPreparer.Key key;
    private final Differentiator.Direction direction;
    private final Onnx.ModelProto runModel;
    private final SessionGraph sessionGraph;
    private final OrtSessions.Opened session;
    private final ValueShapes shapes;
    private final long bytesPerPair;
    private final long[] sampleOutputShape;
    private final String resultName;
    private final boolean dependsOnInput;
    private final JacobianBlocks.SeedCache seeds = new JacobianBlocks.SeedCache();
    private final String name;
    private OrtSessions.Opened serial;

    /**
     * {@code sessionGraph}: {@code runModel} as the sessions load it ({@link OrtLowering}, and for Jacobian blocks
     * {@link ForwardBlockLayout} and {@link SeedBroadcast}); {@code resultName}: the output runs write into a block;
     * {@code dependsOnInput}: false when the output does not depend on the differentiated value through any node
     * ({@link DifferentiatedGraph#dependsOnInput()}), so that its zeros are no derivative.
     */
    PreparedGraph(OnnxGraphPreparer.Key key, Differentiator.Direction direction, Onnx.ModelProto runModel,
                  SessionGraph sessionGraph, OrtSessions.Opened session, ValueShapes shapes, long bytesPerPair,
                  long[] sampleOutputShape, String resultName, boolean dependsOnInput, String name) {
        this.key = key;
        this.direction = direction;
        this.runModel = runModel;
        this.sessionGraph = sessionGraph;
        this.session = session;
        this.shapes = shapes;
        this.bytesPerPair = bytesPerPair;
        this.sampleOutputShape = sampleOutputShape;
        this.resultName = resultName;
        this.dependsOnInput = dependsOnInput;
        this.name = name;
    }

    OnnxGraphPreparer.Key key() {
        return key;
    }

    boolean forward() {
        return direction == Differentiator.Direction.FORWARD;
    }

    Onnx.ModelProto runModel() {
        return runModel;
    }

    /** {@link #runModel()} as ONNX Runtime sessions load it (with ONNX Runtime's own operators). */
    byte[] sessionBytes() {
        return sessionGraph.bytes();
    }

    /** Whether unit seeds go in as {@code [K, 1, ...]}, the same row for every sample of the run. */
    boolean broadcastSeed() {
        return sessionGraph.broadcastSeed();
    }

    OrtSessions.Opened session() {
        return session;
    }

    /** The warnings a result computed on this graph carries (why it runs on the CPU although a GPU was wanted). */
    List<String> warnings() {
        return session.notice() == null ? List.of() : List.of(session.notice());
    }

    ValueShapes shapes() {
        return shapes;
    }

    long bytesPerPair() {
        return bytesPerPair;
    }

    long[] sampleOutputShape() {
        return sampleOutputShape;
    }

    /** The output every run writes into its block. */
    String resultName() {
        return resultName;
    }

    /** Whether the output depends on the differentiated value (subgraphs included); false: its result is zeros. */
    boolean dependsOnInput() {
        return dependsOnInput;
    }

    /** The model's file name, for messages. */
    String name() {
        return name;
    }

    JacobianBlocks.SeedCache seeds() {
        return seeds;
    }

    /** The session for a run of {@code pairs} (sample, direction) pairs. */
    synchronized OrtSession sessionFor(long pairs) {
        if (!session.device().equals("CPU") || Runtime.getRuntime().availableProcessors() == 1
            || pairs * bytesPerPair > SERIAL_RUN_BYTES) {
            return session.session();
        }
        if (serial == null) {
            serial = OrtSessions.open(sessionGraph.bytes(), DevicePreference.CPU, name + " (derivative)", 1);
        }
        return serial.session();
    }

    /** A run model as ONNX Runtime sessions load it, and whether its unit seeds may have batch size 1. */
    record SessionGraph(byte[] bytes, boolean broadcastSeed) {
    }

    /** {@code runModel} with ONNX Runtime's own operators ({@link OrtLowering}); its seeds keep their batch size. */
    static SessionGraph lowered(Onnx.ModelProto runModel) {
        return new SessionGraph(OrtLowering.lower(runModel).toByteArray(), false);
    }

    /**
     * {@code runModel} rewritten for ONNX Runtime ({@link ForwardBlockLayout}, {@link OrtLowering}) and checked for
     * seeds of batch size 1 ({@link SeedBroadcast}); {@code seedSample}: the seed's per-sample shape; {@code probeBatch}:
     * the samples {@code shapes} were learnt on.
     */
    static SessionGraph sessionGraph(Onnx.ModelProto runModel, boolean batched, long[] seedSample, ValueShapes shapes,
                                     long probeBatch) {
        String seed = Differentiator.SEED;
        String block = BLOCK;
        Onnx.ModelProto lowered = OrtLowering.lower(ForwardBlockLayout.lower(runModel, seed, block, shapes));
        int seedRank = (batched ? 2 : 1) + seedSample.length;
        Onnx.ModelProto broadcast = batched
            ? SeedBroadcast.broadcast(lowered, seed, block, seedRank, Tensor.elementCount(seedSample), shapes, probeBatch) : null;
        return new SessionGraph((broadcast != null ? broadcast : lowered).toByteArray(), broadcast != null);
    }

    /**
     * The differentiator's graph plus one Transpose that lays the result out as Jacobian blocks, output
     * {@link OnnxJacobianEngine#BLOCK}.
     */
    static Onnx.ModelProto withBlockLayout(DifferentiatedGraph graph, boolean batched, int sampleRank) {
        boolean forward = graph.direction() == Differentiator.Direction.FORWARD;
        int rank = sampleRank + (batched ? 2 : 1);
        long[] perm = new long[rank];
        if (forward) {
            // [K, (B,) *out] -> [(B,) *out, K]
            for (int i = 0; i < rank - 1; i++) {
                perm[i] = i + 1;
            }
            perm[rank - 1] = 0;
        } else {
            // [K, (B,) *in] -> [(B,) K, *in]
            for (int i = 0; i < rank; i++) {
                perm[i] = i;
            }
            if (batched) {
                perm[0] = 1;
                perm[1] = 0;
            }
        }
        Onnx.NodeProto node = Onnx.NodeProto.newBuilder().setOpType("Transpose").setName(BLOCK)
            .addInput(graph.resultOutput()).addOutput(BLOCK).addAttribute(Attr.ints("perm", perm)).build();
        Onnx.GraphProto.Builder g = graph.model().getGraph().toBuilder().addNode(node);
        Onnx.ValueInfoProto result = null;
        for (int i = 0; i < g.getOutputCount(); i++) {
            if (g.getOutput(i).getName().equals(graph.resultOutput())) {
                result = g.getOutput(i);
                g.removeOutput(i);
                break;
            }
        }
        g.addOutput(result.toBuilder().setName(BLOCK));
        return graph.model().toBuilder().setGraph(g).build();
    }

    @Override
    public synchronized void close() {
        seeds.close();
        session.close();
        if (serial != null) {
            serial.close();
            serial = null;
        }
    }
}
