/**
 * Dense float64 tensors, broadcasting, and the matrix-product and elementwise kernels. The Vector
 * API is optional: without {@code --add-modules jdk.incubator.vector} the scalar kernels run, bit
 * for bit the same.
 */
module io.chainrule.core {
    requires transitive commons.math3;
    requires static jdk.incubator.vector;

    exports io.chainrule.core;
    exports io.chainrule.core.kernel;
}
