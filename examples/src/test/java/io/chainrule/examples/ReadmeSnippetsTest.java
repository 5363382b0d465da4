package io.chainrule.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's Java snippets paste as they are: every {@code ```java} block is compiled (together,
 * so a later block may use a class an earlier one defines) against the library alone, and every
 * block with a {@code main} is run. The Maven coordinates it gives are the build's.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("^(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)", Pattern.MULTILINE);

    static List<String> snippets() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyJavaSnippetCompilesAndEveryMainRuns(@TempDir Path dir) throws Exception {
        List<String> snippets = snippets();
        assertTrue(snippets.size() >= 7, "the README's snippets were not found: " + snippets.size());
        Path src = Files.createDirectories(dir.resolve("src"));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String s : snippets) {
            Matcher c = CLASS.matcher(s);
            assertTrue(c.find(), () -> "a README snippet is not a whole class (imports and all):\n" + s);
            classes.add(c.group(1));
            files.add(Files.writeString(src.resolve(c.group(1) + ".java"), s));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "-proc:none", "--release", "17", "-encoding", "UTF-8");
            boolean ok = javac.getTask(null, fm, diagnostics, options, null,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            String errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                    .collect(Collectors.joining("\n"));
            assertTrue(ok, "README snippets do not compile:\n" + errors);
        }
        int ran = 0;
        PrintStream stdout = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            for (String name : classes) {
                Method main = mainOf(loader.loadClass(name));
                if (main == null) {
                    continue;
                }
                ByteArrayOutputStream printed = new ByteArrayOutputStream();
                System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
                try {
                    main.invoke(null, (Object) new String[0]);
                } catch (InvocationTargetException e) {
                    fail("README snippet " + name + " threw " + e.getCause(), e.getCause());
                } finally {
                    System.setOut(stdout);
                }
                assertTrue(printed.size() > 0, name + " printed nothing");
                ran++;
            }
        }
        assertTrue(ran >= 6, "snippets with a main that ran: " + ran);
    }

    private static Method mainOf(Class<?> c) {
        try {
            Method m = c.getMethod("main", String[].class);
            return Modifier.isStatic(m.getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    @Test
    void theMavenCoordinatesAreTheBuildsOwn() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertEquals(first(pom, "<artifactId>chainrule-parent</artifactId>\\s*<version>([^<]+)</version>"),
                first(readme, "<artifactId>chainrule-rnn</artifactId>[^\\n]*\\n\\s*<version>([^<]+)</version>"));
        assertEquals(first(pom, "<jqwik.version>([^<]+)</jqwik.version>"),
                first(readme, "<artifactId>jqwik</artifactId>\\s*<version>([^<]+)</version>"));
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match of " + regex);
        return m.group(1);
    }
}
