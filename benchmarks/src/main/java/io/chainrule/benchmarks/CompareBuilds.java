package io.chainrule.benchmarks;

import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * One question: is build B faster than build A at the engine benchmark? Loads two benchmark jars
 * (say, of the commit before a change and of the change) into separate class loaders in one JVM,
 * warms both up, then times blocks of {@link EngineVsBaselineBenchmark#engine} of A and of B in
 * alternating order, 25 rounds, one thread, and prints the median ratio B/A with quartiles, and
 * each build's engine time against A's hand-written baseline. On a shared machine two runs minutes
 * apart differ by more than most changes; alternating blocks in one JVM sees the same load.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.chainrule.benchmarks.CompareBuilds old-benchmarks.jar benchmarks/target/benchmarks.jar 32 256</pre>
 */
public final class CompareBuilds {
    private CompareBuilds() {
    }

    /** A build's benchmark object (set up for one hidden size) and its methods. */
    private static final class Build {
        final Object bench;
        final Method engine;
        final Method handWritten;

        Build(String jar, int hidden) throws ReflectiveOperationException, MalformedURLException {
            File file = new File(jar);
            if (!file.isFile()) {
                throw new IllegalArgumentException("no such jar: " + jar);
            }
            ClassLoader loader = new URLClassLoader(new URL[] {file.toURI().toURL()}, ClassLoader.getPlatformClassLoader());
            loader.loadClass("io.chainrule.core.Parallelism").getMethod("setThreads", int.class).invoke(null, 1);
            Class<?> c = loader.loadClass(EngineVsBaselineBenchmark.class.getName());
            bench = c.getConstructor().newInstance();
            c.getField("hidden").setInt(bench, hidden);
            c.getMethod("setup").invoke(bench);
            engine = c.getMethod("engine");
            handWritten = c.getMethod("handWritten");
        }

        long time(Method m, int times) throws ReflectiveOperationException {
            long t0 = System.nanoTime();
            for (int i = 0; i < times; i++) {
                m.invoke(bench);
            }
            return System.nanoTime() - t0;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CompareBuilds A.jar B.jar [hidden ...]   (default hidden sizes: 32 256)");
            System.exit(2);
        }
        int[] hiddens = args.length > 2
                ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {32, 256};
        for (int hidden : hiddens) {
            Build a = new Build(args[0], hidden);
            Build b = new Build(args[1], hidden);
            for (long end = System.nanoTime() + 6_000_000_000L; System.nanoTime() < end; ) {
                a.time(a.engine, 1);
                b.time(b.engine, 1);
                a.time(a.handWritten, 1);
            }
            int block = Math.max(1, 40 / Math.max(1, hidden / 32));
            int rounds = 25;
            double[] ratio = new double[rounds];
            double[] ta = new double[rounds];
            double[] tb = new double[rounds];
            double[] th = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long x;
                long y;
                if (r % 2 == 0) {
                    x = a.time(a.engine, block);
                    y = b.time(b.engine, block);
                } else {
                    y = b.time(b.engine, block);
                    x = a.time(a.engine, block);
                }
                long h = a.time(a.handWritten, block);
                ratio[r] = (double) y / x;
                ta[r] = x / 1e6 / block;
                tb[r] = y / 1e6 / block;
                th[r] = h / 1e6 / block;
            }
            for (double[] d : new double[][] {ratio, ta, tb, th}) {
                Arrays.sort(d);
            }
            int mid = rounds / 2;
            System.out.printf("H=%d: B/A %.3f (quartiles %.3f-%.3f over %d rounds); engine A %.3f ms, B %.3f ms; "
                            + "hand-written %.3f ms (A/hand %.3f, B/hand %.3f)%n", hidden, ratio[mid], ratio[rounds / 4],
                    ratio[3 * rounds / 4], rounds, ta[mid], tb[mid], th[mid], ta[mid] / th[mid], tb[mid] / th[mid]);
        }
    }
}
