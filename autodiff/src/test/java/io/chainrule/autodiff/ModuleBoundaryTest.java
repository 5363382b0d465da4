package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.apache.commons.math3.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user's code on the module path sees of {@code io.chainrule.autodiff}: the API packages,
 * not the engine nor the built-in ops. Checked twice: on the modules resolved into a
 * {@link ModuleLayer}, and by compiling a user's module against them (a user op written against
 * the exported contract compiles; one that imports the engine does not).
 */
class ModuleBoundaryTest {

    /** Where the compiled modules are: core, autodiff, commons-math3 (an automatic module) and jackson-core. */
    static List<Path> modulePath() throws URISyntaxException {
        try {
            // by name: core reads jackson-core, autodiff (where this test is compiled) does not
            Class<?> jackson = Class.forName("com.fasterxml.jackson.core.JsonFactory");
            return List.of(location(Tensor.class), location(Op.class), location(RandomGenerator.class), location(jackson));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("jackson-core is not on the class path", e);
        }
    }

    static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theEngineAndTheBuiltInOpsAreNotExported() throws URISyntaxException {
        ModuleFinder finder = ModuleFinder.of(modulePath().toArray(new Path[0]));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("io.chainrule.autodiff"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Module autodiff = layer.findModule("io.chainrule.autodiff").orElseThrow();
        assertTrue(autodiff.isExported("io.chainrule.autodiff"));
        assertTrue(autodiff.isExported("io.chainrule.autodiff.checkpoint"));
        assertTrue(autodiff.isExported("io.chainrule.autodiff.optim"));
        assertTrue(autodiff.getPackages().contains("io.chainrule.autodiff.engine"), "the engine is in the module");
        assertFalse(autodiff.isExported("io.chainrule.autodiff.engine"), "the engine is not exported");
        assertFalse(autodiff.isExported("io.chainrule.autodiff.op"), "the built-in ops are not exported");
        Set<String> qualified = autodiff.getDescriptor().exports().stream().filter(e -> e.isQualified())
                .map(e -> e.source()).collect(Collectors.toSet());
        assertTrue(qualified.isEmpty(), "not even to a friend module: " + qualified);
    }

    /** A user op against the exported contract alone: softplus, in a module of its own. */
    static final String USER_OP = """
            package user.ops;

            import io.chainrule.autodiff.Gradients;
            import io.chainrule.autodiff.Op;
            import io.chainrule.autodiff.Var;
            import io.chainrule.core.Tensor;

            public final class Softplus extends Op {
                private Softplus(Var x) {
                    super("softplus", x);
                    save(x);
                }

                public static Var apply(Var x) {
                    return new Softplus(x).output(x.value().map(v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))));
                }

                @Override
                protected void backward(Gradients g) {
                    g.set(0, g.output().mul(saved(0).sigmoid()));
                }
            }
            """;

    @Test
    void aUserOpCompilesAgainstTheExportedContract(@TempDir Path dir) throws Exception {
        List<String> errors = compile(dir, "user/ops/Softplus.java", USER_OP);
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void userCodeThatReachesForTheEngineDoesNotCompile(@TempDir Path dir) throws Exception {
        String sneaky = """
                package user.ops;

                import io.chainrule.autodiff.engine.Walk;

                public final class Sneaky {
                    public static Class<?> engine() {
                        return Walk.class;
                    }
                }
                """;
        List<String> errors = compile(dir, "user/ops/Sneaky.java", sneaky);
        assertFalse(errors.isEmpty(), "the engine package must not be visible");
        assertTrue(errors.stream().anyMatch(e -> e.contains("io.chainrule.autodiff.engine") && e.contains("not visible")),
                String.join("\n", errors));
    }

    /** Compiles module {@code user} ({@code requires io.chainrule.autodiff}) with one source file; the error messages. */
    static List<String> compile(Path dir, String file, String source) throws IOException, URISyntaxException {
        Path src = dir.resolve("src");
        Path out = dir.resolve("out");
        Files.createDirectories(src.resolve(file).getParent());
        Files.createDirectories(out);
        Files.writeString(src.resolve("module-info.java"), "module user { requires io.chainrule.autodiff; }\n");
        Files.writeString(src.resolve(file), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            String path = modulePath().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
            List<String> options = List.of("--module-path", path, "-d", out.toString(), "-proc:none");
            javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(src.resolve("module-info.java"), src.resolve(file))).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(null)).collect(Collectors.toList());
    }
}
