package io.chainrule.core.kernel;

/**
 * Chooses the kernel implementations once, at class initialization.
 *
 * <p>The Vector API path is used when the {@code jdk.incubator.vector} module is in the boot layer
 * (the JVM was started with {@code --add-modules jdk.incubator.vector}); otherwise the scalar
 * fallback. The system property {@code chainrule.kernels=scalar} forces the fallback.
 * The vector classes are loaded reflectively so that this class never links against the
 * incubator module when it is absent.
 */
public final class Kernels {
    private Kernels() {
    }

    /** True when the Vector API module is present in this JVM. */
    public static final boolean VECTOR_MODULE_PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private static final boolean USE_VECTOR =
            VECTOR_MODULE_PRESENT && !"scalar".equals(System.getProperty("chainrule.kernels"));

    private static final GemmKernel GEMM = USE_VECTOR
            ? load("io.chainrule.core.kernel.VectorGemm", GemmKernel.class, new ScalarGemm())
            : new ScalarGemm();

    private static final ActivationKernel ACTIVATIONS = USE_VECTOR
            ? load("io.chainrule.core.kernel.VectorActivations", ActivationKernel.class, new ScalarActivations())
            : new ScalarActivations();

    /** The matrix-product kernel in use. */
    public static GemmKernel gemm() {
        return GEMM;
    }

    /** The elementwise activation kernel in use. */
    public static ActivationKernel activations() {
        return ACTIVATIONS;
    }

    /** A one-line description of the kernels in use, for reports. */
    public static String describe() {
        return "gemm=" + GEMM.name() + ", activations=" + ACTIVATIONS.name()
                + (VECTOR_MODULE_PRESENT ? "" : " (start the JVM with --add-modules jdk.incubator.vector for the fast path)");
    }

    private static <T> T load(String className, Class<T> type, T fallback) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return fallback;
        }
    }
}
