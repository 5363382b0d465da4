/**
 * Dense float64 tensors, broadcasting, and the matrix-product and elementwise kernels. The Vector
 * API is optional: without {@code --add-modules jdk.incubator.vector} the scalar kernels run, bit
 * for bit the same. {@code io.chainrule.core.io} reads and writes tensors as safetensors files
 * (PyTorch's and NumPy's format), treating every file as hostile. {@code io.chainrule.core.testing} holds jqwik generators of shapes and tensors
 * for users' property tests (jqwik is an optional dependency: add it to your tests to use them).
 */
module io.chainrule.core {
    requires transitive commons.math3;
    requires static jdk.incubator.vector;
    requires com.fasterxml.jackson.core;
    requires static net.jqwik.api;

    exports io.chainrule.core;
    exports io.chainrule.core.io;
    exports io.chainrule.core.kernel;
    exports io.chainrule.core.testing;
}
