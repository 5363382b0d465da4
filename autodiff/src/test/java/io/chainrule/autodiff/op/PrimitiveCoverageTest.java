package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Op;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every primitive in {@link Primitives#ALL} has a gradient property: a jqwik {@code @Property}
 * or {@code @Example} marked {@link Covers} with its class, somewhere in the autodiff tests. A
 * primitive added without one fails here.
 */
class PrimitiveCoverageTest {

    @Test
    void everyPrimitiveHasAGradientProperty() throws IOException, URISyntaxException {
        Map<Class<? extends Op>, List<String>> covered = coveringMethods();
        List<String> missing = new ArrayList<>();
        for (Class<? extends Op> op : Primitives.ALL) {
            if (!covered.containsKey(op)) {
                missing.add(op.getName());
            }
        }
        assertTrue(missing.isEmpty(), () -> "primitives without a gradient property (mark one with @Covers): " + missing);
    }

    @Test
    void coversNamesOnlyPrimitives() throws IOException, URISyntaxException {
        Set<Class<? extends Op>> strays = new LinkedHashSet<>(coveringMethods().keySet());
        Primitives.ALL.forEach(strays::remove);
        assertTrue(strays.isEmpty(), () -> "@Covers names classes missing from Primitives.ALL: " + strays);
    }

    @Test
    void theScanFindsThePropertiesOfThisPackage() throws IOException, URISyntaxException {
        Map<Class<? extends Op>, List<String>> covered = coveringMethods();
        assertFalse(covered.isEmpty());
        assertEquals(List.of("ElementwiseProperties.tanhGradientMatchesFiniteDifferences"), covered.get(Tanh.class));
    }

    /** Each class named by a {@link Covers} on a property or example, with the methods naming it. */
    private static Map<Class<? extends Op>, List<String>> coveringMethods() throws IOException, URISyntaxException {
        Path root = Paths.get(PrimitiveCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classNames;
        try (Stream<Path> files = Files.walk(root)) {
            classNames = files.map(root::relativize).map(Path::toString)
                    .filter(p -> p.endsWith(".class") && !p.contains("$"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
                    .filter(n -> n.startsWith("io.chainrule.autodiff."))
                    .collect(Collectors.toList());
        }
        Map<Class<? extends Op>, List<String>> covered = new HashMap<>();
        for (String name : classNames) {
            Class<?> c;
            try {
                c = Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            for (Method m : c.getDeclaredMethods()) {
                Covers covers = m.getAnnotation(Covers.class);
                if (covers == null) {
                    continue;
                }
                assertTrue(m.isAnnotationPresent(Property.class) || m.isAnnotationPresent(Example.class),
                        () -> c.getSimpleName() + "." + m.getName() + " is marked @Covers but is not a property or example");
                for (Class<? extends Op> op : covers.value()) {
                    covered.computeIfAbsent(op, k -> new ArrayList<>()).add(c.getSimpleName() + "." + m.getName());
                }
            }
        }
        return covered;
    }
}
