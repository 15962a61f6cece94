package org.jacobi.model.torch;

import java.nio.file.Path;
import org.jacobi.core.JacobiException;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;

/** A TorchScript model run by DJL's PyTorch engine. (Being written: see issue 4.) */
public final class TorchScriptModel {
    private TorchScriptModel() {
    }

    public static Model load(Path path, ModelLoader.Options options) {
        throw new JacobiException("TorchScript loading is not available in this build yet.");
    }
}
