package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Gradient checking: compares the gradients computed by {@link Var#backward()} with central
 * finite differences of the same function, in float64, and reports the worst disagreement of each
 * input. For use in tests of models and of new primitive ops:
 *
 * <pre>{@code
 * GradCheck.check(x -> x[0].prod(x[1]).tanh().sum(), w, h).assertClose(1e-6);
 *
 * Var w = Var.param(Tensor.randn(1L, 0.5, 4, 4), "W");       // parameters read by a closure
 * GradCheck.check(() -> model.loss(w, data), List.of(w)).assertClose(1e-6);
 * }</pre>
 *
 * <h2>What is compared</h2>
 *
 * The function is reduced to a scalar {@code L}. A function with a one-element output is its own
 * {@code L}. For an output {@code y} with more elements, {@code L = Σ v ⊙ y} for a fixed random
 * projection {@code v} (standard normal entries drawn from {@link Options#seed()}), so checking
 * {@code ∇L = Jᵀv} checks the vector-Jacobian product that backward computes. The analytic side is
 * one forward with recording on and {@code y.backward(v)}; the numeric side evaluates {@code L}
 * with the engine's own forward under {@link NoGrad}, with the inputs perturbed in place.
 *
 * <ul>
 *   <li><b>Whole Jacobian</b> ({@link Mode#JACOBIAN}): for every entry {@code x_i} of an input,
 *       {@code n_i = (L(x + h e_i) - L(x - h e_i)) / ((x_i + h) - (x_i - h))} with
 *       {@code h = cbrt(ε) · max(|x_i|, 1)}, {@code ε = 2⁻⁵²} (so {@code h ≈ 6.06e-6} for
 *       {@code |x_i| ≤ 1}); the denominator is the step actually taken after rounding. The step
 *       balances the truncation error {@code h² |L'''| / 6} against the round-off error
 *       {@code ≈ ε |L| / h}. Costs two evaluations of the function per entry.</li>
 *   <li><b>Random directions</b> ({@link Mode#DIRECTIONS}): for {@link Options#directions()}
 *       random unit vectors {@code u} (seeded), the directional difference
 *       {@code (L(x + h u) - L(x - h u)) / 2h}, {@code h = cbrt(ε) · max(max_i |x_i|, 1)}, is
 *       compared with {@code ⟨∇L, Δ⟩ / 2h}, where {@code Δ = (x + h u) - (x - h u)} is the
 *       displacement actually taken after rounding (≈ {@code 2h u}). Costs two evaluations per
 *       direction whatever the size of the input.</li>
 *   <li>{@link Mode#AUTO} (the default) checks each input whose size is at most
 *       {@link Options#jacobianLimit()} (default {@value #DEFAULT_JACOBIAN_LIMIT} elements)
 *       entry by entry, and larger inputs by random directions.</li>
 * </ul>
 *
 * <p><b>A sharper scheme.</b> With {@link Options#withScheme Scheme.RICHARDSON} each numeric value
 * (an entry, or a directional derivative of {@code t ↦ L(x + t u)} compared with
 * {@code ⟨∇L, u⟩}) is instead Richardson's extrapolation of central differences with steps
 * {@code h₀, h₀/2, …} from {@code h₀ = 2⁻⁴ · max(|x_i|, 1)} (or {@code max_i |x_i|}), the step
 * chosen adaptively (Ridders' method, {@link RichardsonExtrapolation}): up to 16 evaluations a
 * value instead of 2, and an error near {@code ε^{4/5} ≈ 3e-13} instead of
 * {@code ε^{2/3} ≈ 4e-11} relative to the function's values, so that on smooth functions a check
 * at tolerance {@code 1e-9} sees a derivative rule off by a factor {@code 1 + 1e-8}, which the
 * central scheme at {@code 1e-6} cannot. Its round-off allowance {@code ν} is that of the
 * differences it extrapolates, carried through the extrapolation's weights.
 *
 * <h2>Relative error</h2>
 *
 * For an analytic value {@code a} and a numeric value {@code n} (a Jacobian entry or a
 * directional derivative) computed with step {@code h},
 * <pre>
 *   e = max(0, |a − n| − ν) / max(|a|, |n|, φ)     (e = 0 when a = n; e = ∞ when either is not finite)
 *   ν = μ · ε · Λ / h                               the round-off allowance, Λ = Σ |v ⊙ y(x)|  (|L| for a scalar)
 *   φ = max(ρ · G, φ_abs)                           the floor
 *   G = max over every checked value of every input of max(|a|, |n|)     the gradient scale
 * </pre>
 * with {@code ε = 2⁻⁵²}, the round-off multiple {@code μ} ({@link Options#roundOffMultiple()},
 * default {@value #DEFAULT_ROUND_OFF_MULTIPLE}), the floor ratio {@code ρ}
 * ({@link Options#floorRatio()}, default {@value #DEFAULT_FLOOR_RATIO}) and the absolute floor
 * {@code φ_abs} ({@link Options#absoluteFloor()}, default 0). A check passes at tolerance
 * {@code τ} when every {@code e ≤ τ}, that is when every value has
 * {@code |a − n| ≤ ν + τ · max(|a|, |n|, φ)}. With {@code μ = ρ = φ_abs = 0}, {@code e} is the
 * plain relative error {@code |a − n| / max(|a|, |n|)}.
 *
 * <p><b>Why ν and φ.</b> The round-off error of a central difference is absolute, not relative to
 * the entry, so an entry that is small compared with the function (near zero by chance, zero in
 * exact arithmetic but not in floating point, or the derivative of a function whose values are
 * much larger than its slope, like {@code x^0.001}) has a large plain relative error however
 * right the gradient is. Two sources, two allowances:
 * <ul>
 *   <li>Rounding the outputs: each {@code y_i} carries an error of about {@code ε |y_i|}, which
 *       moves {@code (L(x+h) − L(x−h)) / 2h} by up to {@code ε Λ / h}. {@code ν} discounts
 *       exactly that (with {@code μ = 1}); it is computed from the function's values, not
 *       tuned.</li>
 *   <li>Rounding inside the function (long sums, cancellations) is not visible in {@code Λ}. The
 *       floor measures values below {@code ρ G} against {@code ρ G}: at {@code τ = 1e-6} and the
 *       default {@code ρ}, their excess must stay below {@code 1e-8 G}. The scale is the whole
 *       function's, not each input's, because round-off belongs to {@code L}: an input whose
 *       gradient cancels exactly has a scale at round-off level itself.</li>
 * </ul>
 * Measured on this module's gradient properties, the excess {@code |a − n| − ν} stays below
 * {@code 1.3e-9 G} for single ops (elementwise including {@code x^p} for {@code p} down to
 * 0.001, reductions, broadcasting products, matmul, softmax; up to a few hundred entries) and
 * below {@code 6e-10 G} on 3000 random composite graphs. Neither allowance lets a wrong
 * derivative rule through unless its error is below {@code ν + 1e-8 G}, which the finite
 * differences could not resolve anyway: a rule off by a factor {@code 1 + δ} on a value of
 * magnitude {@code m ≥ ρ G} gives {@code e ≈ δ}. When the whole gradient is zero in exact
 * arithmetic and rounding inside the function exceeds {@code ν}, {@code G} itself is at
 * round-off level; give such a check an absolute floor. The projection {@code Σ v ⊙ y} is
 * summed with error-free transformations, so it adds no round-off of its own.
 *
 * <h2>Contract with the function</h2>
 * <ul>
 *   <li>It is called once with recording on and then twice per checked value under
 *       {@link NoGrad}; it must recompute everything from the current values of its inputs (a
 *       value cached from an earlier call is a constant to the finite differences but not to
 *       backward). The thread's {@link Rng} is rewound before each call, so random draws inside
 *       it (dropout, random gradient scales) are the same in every call; afterwards the stream is
 *       where one call left it.</li>
 *   <li>Finite differences see only values. Operations that change gradients but not values
 *       ({@link Ops#detach}, {@link Ops#scaleGrad}) make backward differentiate a surrogate;
 *       to check it, let the function use, under {@link NoGrad} (where {@link GradMode#isEnabled()}
 *       is false), the values the recorded call detached, as constants.</li>
 *   <li>Inputs are perturbed in place and restored bitwise afterwards, also when the function
 *       throws. The gradients the checked parameters held before are restored as well; other
 *       parameters the function reads receive the gradient of its one recorded call.</li>
 * </ul>
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** {@code cbrt(ε)} for float64, {@code ε = 2⁻⁵²}: the step for values of magnitude at most 1 (≈ 6.06e-6). */
    public static final double STEP_SCALE = Math.cbrt(Math.ulp(1.0));

    /** Largest input size checked entry by entry in {@link Mode#AUTO}. */
    public static final int DEFAULT_JACOBIAN_LIMIT = 512;

    /** Random directions per input in {@link Mode#DIRECTIONS}. */
    public static final int DEFAULT_DIRECTIONS = 16;

    /** Default floor ratio ρ of the relative error (see the class documentation). */
    public static final double DEFAULT_FLOOR_RATIO = 1e-2;

    /** Default round-off multiple μ of the relative error (see the class documentation). */
    public static final double DEFAULT_ROUND_OFF_MULTIPLE = 1;

    /** How an input is checked. */
    public enum Mode {
        /** Entry by entry up to {@link Options#jacobianLimit()} elements, random directions above. */
        AUTO,
        /** Every entry of the gradient. */
        JACOBIAN,
        /** {@link Options#directions()} random directional derivatives. */
        DIRECTIONS
    }

    /** How each numeric derivative (an entry or a directional derivative) is computed. */
    public enum Scheme {
        /**
         * One central difference with step {@code h = cbrt(ε) · max(|x|, 1)}: two evaluations, an
         * error of about {@code ε^{2/3} ≈ 4e-11} relative to the function's values.
         */
        CENTRAL,
        /**
         * Richardson extrapolation of central differences over halving steps from
         * {@code h₀ = } {@link #RICHARDSON_STEP_SCALE}{@code  · max(|x|, 1)}, the step chosen
         * adaptively (Ridders' method): up to 16 evaluations, an error of about
         * {@code ε^{4/5} ≈ 3e-13} relative to the function's values on smooth functions, so a
         * check at tolerance 1e-9 resolves a derivative rule off by a factor {@code 1 + 1e-8}.
         */
        RICHARDSON
    }

    /** {@code h₀ / max(|x|, 1)} of {@link Scheme#RICHARDSON}: the first and largest of its steps, 2⁻⁴. */
    public static final double RICHARDSON_STEP_SCALE = 0x1p-4;

    /** The settings of a check; immutable, start from {@link GradCheck#options()}. */
    public static final class Options {
        private final Mode mode;
        private final int jacobianLimit;
        private final int directions;
        private final long seed;
        private final double floorRatio;
        private final double absoluteFloor;
        private final double roundOff;
        private final Scheme scheme;

        private Options(Mode mode, int jacobianLimit, int directions, long seed, double floorRatio,
                        double absoluteFloor, double roundOff, Scheme scheme) {
            this.mode = mode;
            this.jacobianLimit = jacobianLimit;
            this.directions = directions;
            this.seed = seed;
            this.floorRatio = floorRatio;
            this.absoluteFloor = absoluteFloor;
            this.roundOff = roundOff;
            this.scheme = scheme;
        }

        public Mode mode() {
            return mode;
        }

        public int jacobianLimit() {
            return jacobianLimit;
        }

        public int directions() {
            return directions;
        }

        /** Seed of the random projection of non-scalar outputs and of the random directions. */
        public long seed() {
            return seed;
        }

        /** ρ: the floor of the relative error as a fraction of the input's gradient scale. */
        public double floorRatio() {
            return floorRatio;
        }

        /** φ_abs: an absolute floor of the relative error's denominator. */
        public double absoluteFloor() {
            return absoluteFloor;
        }

        /** μ: the round-off allowance ν = μ ε Λ / h in units of one rounding of every output. */
        public double roundOffMultiple() {
            return roundOff;
        }

        /** How the numeric derivatives are computed: {@link Scheme#CENTRAL} (the default) or {@link Scheme#RICHARDSON}. */
        public Scheme scheme() {
            return scheme;
        }

        public Options withScheme(Scheme newScheme) {
            if (newScheme == null) {
                throw new IllegalArgumentException("scheme must not be null");
            }
            return new Options(mode, jacobianLimit, directions, seed, floorRatio, absoluteFloor, roundOff, newScheme);
        }

        public Options withMode(Mode newMode) {
            if (newMode == null) {
                throw new IllegalArgumentException("mode must not be null");
            }
            return new Options(newMode, jacobianLimit, directions, seed, floorRatio, absoluteFloor, roundOff, scheme);
        }

        /** Inputs of at most this many elements are checked entry by entry in {@link Mode#AUTO}. */
        public Options withJacobianLimit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("jacobian limit must be non-negative, got " + limit);
            }
            return new Options(mode, limit, directions, seed, floorRatio, absoluteFloor, roundOff, scheme);
        }

        public Options withDirections(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("need at least one direction, got " + count);
            }
            return new Options(mode, jacobianLimit, count, seed, floorRatio, absoluteFloor, roundOff, scheme);
        }

        public Options withSeed(long newSeed) {
            return new Options(mode, jacobianLimit, directions, newSeed, floorRatio, absoluteFloor, roundOff, scheme);
        }

        /** ρ in [0, 1]; 0 (with no absolute floor) gives the pure relative error. */
        public Options withFloorRatio(double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("floor ratio must be in [0, 1], got " + ratio);
            }
            return new Options(mode, jacobianLimit, directions, seed, ratio, absoluteFloor, roundOff, scheme);
        }

        public Options withAbsoluteFloor(double floor) {
            if (!(floor >= 0 && floor < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("absolute floor must be finite and non-negative, got " + floor);
            }
            return new Options(mode, jacobianLimit, directions, seed, floorRatio, floor, roundOff, scheme);
        }

        /** μ ≥ 0; 0 (with no floor) gives the pure relative error. */
        public Options withRoundOffMultiple(double multiple) {
            if (!(multiple >= 0 && multiple < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("round-off multiple must be finite and non-negative, got " + multiple);
            }
            return new Options(mode, jacobianLimit, directions, seed, floorRatio, absoluteFloor, multiple, scheme);
        }

        @Override
        public String toString() {
            return "GradCheck.Options(mode=" + mode + ", jacobianLimit=" + jacobianLimit + ", directions=" + directions
                    + ", seed=" + seed + ", floorRatio=" + floorRatio + ", absoluteFloor=" + absoluteFloor
                    + ", roundOffMultiple=" + roundOff + ", scheme=" + scheme + ")";
        }
    }

    private static final Options DEFAULTS = new Options(Mode.AUTO, DEFAULT_JACOBIAN_LIMIT, DEFAULT_DIRECTIONS,
            0x6A5D1E47L, DEFAULT_FLOOR_RATIO, 0.0, DEFAULT_ROUND_OFF_MULTIPLE, Scheme.CENTRAL);

    /**
     * The default options: {@link Mode#AUTO}, limit 512, 16 directions, μ = 1, ρ = 1e-2, no absolute
     * floor, {@link Scheme#CENTRAL}.
     */
    public static Options options() {
        return DEFAULTS;
    }

    // ------------------------------------------------------------------ entry points

    /** Checks {@code f} at {@code inputs} (copied, never modified) with the default options. */
    public static Report check(Function<Var[], Var> f, Tensor... inputs) {
        return check(DEFAULTS, f, inputs);
    }

    /**
     * Checks {@code f} at {@code inputs}: each input becomes a fresh parameter named
     * {@code "input i"} holding a copy of it, and {@code f} receives them in order.
     */
    public static Report check(Options options, Function<Var[], Var> f, Tensor... inputs) {
        if (f == null) {
            throw new IllegalArgumentException("function must not be null");
        }
        if (inputs == null || inputs.length == 0) {
            throw new IllegalArgumentException("need at least one input tensor");
        }
        Var[] params = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException("input " + i + " is null");
            }
            params[i] = Var.param(inputs[i].copy(), "input " + i);
        }
        return check(options, () -> f.apply(params.clone()), List.of(params));
    }

    /** Checks the gradient of {@code loss} with respect to {@code parameters} with the default options. */
    public static Report check(Supplier<Var> loss, List<Var> parameters) {
        return check(DEFAULTS, loss, parameters);
    }

    /**
     * Checks the gradient of {@code loss}, a function that reads {@code parameters} (for example
     * through a closure), with respect to each of them. The parameters' values are perturbed in
     * place during the check and restored bitwise before it returns or throws; their gradients
     * are restored too.
     */
    public static Report check(Options options, Supplier<Var> loss, List<Var> parameters) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss function must not be null");
        }
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("need at least one parameter to check");
        }
        Map<Var, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Var p = parameters.get(i);
            if (p == null) {
                throw new IllegalArgumentException("parameter " + i + " is null");
            }
            if (!p.isParameter()) {
                throw new IllegalArgumentException("parameter " + i + " (" + p.describe() + ") is not a parameter "
                        + "(Var.param): only parameters have gradients to check");
            }
            if (p.value().dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("parameter " + i + " (" + p.describe() + ") is " + p.value().dtype()
                        + ": gradients are checked against float64 finite differences; check the float64 model");
            }
            Integer before = seen.put(p, i);
            if (before != null) {
                throw new IllegalArgumentException("parameter " + i + " is the same Var as parameter " + before);
            }
        }
        return new Run(options, loss, List.copyOf(parameters)).execute();
    }

    // ------------------------------------------------------------------ the check

    /** One check: the state to restore and the scalarized function. */
    private static final class Run {
        private final Options options;
        private final Supplier<Var> loss;
        private final List<Var> params;
        private final Rng rng = Rng.current();
        private Rng.State rngStart;
        private int[] outShape;
        private Tensor projection;
        /** Λ = Σ |v ⊙ y| at the unperturbed inputs. */
        private double magnitude;

        Run(Options options, Supplier<Var> loss, List<Var> params) {
            this.options = options;
            this.loss = loss;
            this.params = params;
        }

        Report execute() {
            int count = params.size();
            Tensor[] values = new Tensor[count];
            Tensor[] grads = new Tensor[count];
            for (int k = 0; k < count; k++) {
                values[k] = params.get(k).value().copy();
                grads[k] = params.get(k).grad();
            }
            rngStart = rng.snapshot();
            Rng.State rngEnd = rngStart;
            try {
                for (Var p : params) {
                    p.zeroGrad();
                }
                double l0;
                try (NoGrad scope = NoGrad.enableGrad()) {
                    Var out = output();
                    rngEnd = rng.snapshot();
                    projection = out.value().size() == 1 ? Tensor.ones(outShape)
                            : Tensor.randn(new Rng(options.seed), 1.0, outShape);
                    l0 = project(out.value());
                    magnitude = magnitude(out.value());
                    if (out.requiresGrad()) {
                        out.backward(projection);
                    }
                }
                Tensor[] analytic = new Tensor[count];
                for (int k = 0; k < count; k++) {
                    Tensor g = params.get(k).grad();
                    analytic[k] = g == null ? Tensor.zeros(values[k].shape()) : g.copy();
                    params.get(k).zeroGrad();
                }
                List<Comparison> comparisons = new ArrayList<>(count);
                Rng directions = new Rng(options.seed ^ 0xD1B54A32D192ED03L);
                double scale = 0;
                for (int k = 0; k < count; k++) {
                    Var p = params.get(k);
                    String name = p.name() != null ? p.name() : "parameter " + k;
                    Mode mode = options.mode == Mode.AUTO
                            ? (values[k].size() <= options.jacobianLimit ? Mode.JACOBIAN : Mode.DIRECTIONS)
                            : options.mode;
                    Comparison c = mode == Mode.JACOBIAN
                            ? jacobian(k, name, p.value(), values[k], analytic[k])
                            : directional(k, name, p.value(), values[k], analytic[k], directions);
                    comparisons.add(c);
                    scale = Math.max(scale, c.scale());
                }
                double floor = Math.max(options.floorRatio * scale, options.absoluteFloor);
                List<InputReport> reports = new ArrayList<>(count);
                for (Comparison c : comparisons) {
                    reports.add(InputReport.of(c, floor));
                }
                return new Report(reports, l0, outShape, scale, floor, options.scheme);
            } finally {
                for (int k = 0; k < count; k++) {
                    params.get(k).value().assignInPlace(values[k]);
                    params.get(k).setGrad(grads[k]);
                }
                rng.restore(rngEnd);
            }
        }

        /** Calls the function, checking its output. */
        private Var output() {
            rng.restore(rngStart);
            Var out = loss.get();
            if (out == null) {
                throw new IllegalStateException("the function under check returned null");
            }
            if (outShape == null) {
                outShape = out.shape();
            } else if (!out.value().hasShape(outShape)) {
                throw new IllegalStateException("the function under check returned shape " + Shape.format(out.shape())
                        + " on a perturbed input but " + Shape.format(outShape) + " at first");
            }
            return out;
        }

        /** L at the current (perturbed) parameter values, by the engine's forward under NoGrad. */
        private double evaluate() {
            try (NoGrad scope = NoGrad.enter()) {
                return project(output().value());
            }
        }

        /**
         * ⟨v, y⟩ summed with error-free transformations (Ogita, Rump and Oishi's Dot2: TwoProduct
         * by fma, TwoSum), as accurate as if computed in twice the working precision and then
         * rounded, so the projection adds no round-off of its own to the finite differences.
         */
        private double project(Tensor y) {
            if (projection.size() == 1) {
                return y.item();
            }
            double[] v = projection.array();
            int vo = projection.offset();
            double[] d = y.array();
            int yo = y.offset();
            double sum = 0;
            double err = 0;
            for (int i = 0; i < projection.size(); i++) {
                double p = v[vo + i] * d[yo + i];
                double pErr = Math.fma(v[vo + i], d[yo + i], -p);
                double s = sum + p;
                double z = s - sum;
                double sErr = (sum - (s - z)) + (p - z);
                sum = s;
                err += pErr + sErr;
            }
            return sum + err;
        }

        private double magnitude(Tensor y) {
            double m = 0;
            for (int i = 0; i < y.size(); i++) {
                m += Math.abs(projection.getFlat(i) * y.getFlat(i));
            }
            return m;
        }

        /** ν for a difference quotient over the step {@code up - down} = 2h. */
        private double roundOff(double twoH) {
            return options.roundOff * Math.ulp(1.0) * magnitude * 2 / twoH;
        }

        private Comparison jacobian(int k, String name, Tensor x, Tensor original, Tensor analytic) {
            int size = x.size();
            double[] numeric = new double[size];
            double[] roundOff = new double[size];
            for (int i = 0; i < size; i++) {
                double xi = original.getFlat(i);
                if (options.scheme == Scheme.RICHARDSON) {
                    int at = i;
                    double[] r = RichardsonExtrapolation.derivative((step, out) -> {
                        double up = xi + step;
                        double down = xi - step;
                        try {
                            x.setFlatInPlace(at, up);
                            out[0] = evaluate();
                            x.setFlatInPlace(at, down);
                            out[0] = (out[0] - evaluate()) / (up - down);
                        } finally {
                            x.setFlatInPlace(at, xi);
                        }
                        out[1] = roundOff(up - down);
                    }, RICHARDSON_STEP_SCALE * Math.max(Math.abs(xi), 1.0));
                    numeric[i] = r[0];
                    roundOff[i] = r[1];
                    continue;
                }
                double h = STEP_SCALE * Math.max(Math.abs(xi), 1.0);
                double up = xi + h;
                double down = xi - h;
                double lUp;
                double lDown;
                try {
                    x.setFlatInPlace(i, up);
                    lUp = evaluate();
                    x.setFlatInPlace(i, down);
                    lDown = evaluate();
                } finally {
                    x.setFlatInPlace(i, xi);
                }
                numeric[i] = (lUp - lDown) / (up - down);
                roundOff[i] = roundOff(up - down);
            }
            double[] a = analytic.toArray();
            return new Comparison(k, name, original.shape(), Mode.JACOBIAN, a, numeric, roundOff, analytic,
                    Tensor.wrap(numeric, original.shape()));
        }

        private Comparison directional(int k, String name, Tensor x, Tensor original, Tensor analytic, Rng random) {
            int size = x.size();
            int count = size == 0 ? 0 : options.directions; // an empty input has no direction
            double[] a = new double[count];
            double[] n = new double[count];
            double maxAbs = 0;
            for (int i = 0; i < size; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(original.getFlat(i)));
            }
            double h = STEP_SCALE * Math.max(maxAbs, 1.0);
            double[] g = analytic.toArray();
            double[] x0 = original.toArray();
            double[] up = new double[size];
            double[] down = new double[size];
            double[] roundOff = new double[count];
            for (int d = 0; d < count; d++) {
                double[] u = unitVector(random, size);
                if (options.scheme == Scheme.RICHARDSON) {
                    // ⟨∇L, u⟩ against the extrapolated derivative of t ↦ L(x + t u) at 0
                    double dot = 0;
                    for (int i = 0; i < size; i++) {
                        dot = Math.fma(g[i], u[i], dot);
                    }
                    a[d] = dot;
                    double[] r = RichardsonExtrapolation.derivative((step, out) -> {
                        for (int i = 0; i < size; i++) {
                            up[i] = x0[i] + step * u[i];
                            down[i] = x0[i] - step * u[i];
                        }
                        try {
                            x.assignInPlace(Tensor.wrap(up, original.shape()));
                            out[0] = evaluate();
                            x.assignInPlace(Tensor.wrap(down, original.shape()));
                            out[0] = (out[0] - evaluate()) / (2 * step);
                        } finally {
                            x.assignInPlace(original);
                        }
                        out[1] = roundOff(2 * step);
                    }, RICHARDSON_STEP_SCALE * Math.max(maxAbs, 1.0));
                    n[d] = r[0];
                    roundOff[d] = r[1];
                    continue;
                }
                for (int i = 0; i < size; i++) {
                    up[i] = x0[i] + h * u[i];
                    down[i] = x0[i] - h * u[i];
                }
                double lUp;
                double lDown;
                try {
                    x.assignInPlace(Tensor.wrap(up, original.shape()));
                    lUp = evaluate();
                    x.assignInPlace(Tensor.wrap(down, original.shape()));
                    lDown = evaluate();
                } finally {
                    x.assignInPlace(original);
                }
                double dot = 0;
                for (int i = 0; i < size; i++) {
                    dot = Math.fma(g[i], up[i] - down[i], dot);
                }
                a[d] = dot / (2 * h);
                n[d] = (lUp - lDown) / (2 * h);
                roundOff[d] = roundOff(2 * h);
            }
            return new Comparison(k, name, original.shape(), Mode.DIRECTIONS, a, n, roundOff, analytic, null);
        }

        private static double[] unitVector(Rng random, int size) {
            double[] u = new double[size];
            double norm = 0;
            while (norm == 0) {
                for (int i = 0; i < size; i++) {
                    u[i] = random.nextGaussian();
                }
                norm = Math.sqrt(Tensor.wrap(u, size).sumOfSquares());
            }
            for (int i = 0; i < size; i++) {
                u[i] /= norm;
            }
            return u;
        }
    }

    /** The analytic and numeric values of one input, before the floor is known. */
    private static final class Comparison {
        final int position;
        final String name;
        final int[] shape;
        final Mode mode;
        final double[] analytic;
        final double[] numeric;
        final double[] roundOff;
        final Tensor analyticGradient;
        final Tensor numericGradient;

        Comparison(int position, String name, int[] shape, Mode mode, double[] analytic, double[] numeric,
                   double[] roundOff, Tensor analyticGradient, Tensor numericGradient) {
            this.position = position;
            this.name = name;
            this.shape = shape;
            this.mode = mode;
            this.analytic = analytic;
            this.numeric = numeric;
            this.roundOff = roundOff;
            this.analyticGradient = analyticGradient;
            this.numericGradient = numericGradient;
        }

        /** The largest |a| or |n| of this input (ignoring values that are not finite). */
        double scale() {
            double s = 0;
            for (int i = 0; i < analytic.length; i++) {
                double m = Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]));
                if (m < Double.POSITIVE_INFINITY) {
                    s = Math.max(s, m);
                }
            }
            return s;
        }
    }

    /**
     * The relative error {@code e = max(0, |a − n| − ν) / max(|a|, |n|, φ)} of one value (0 when
     * {@code a = n}, ∞ when either is not finite); see the class documentation.
     */
    static double relativeError(double analytic, double numeric, double roundOff, double floor) {
        if (analytic == numeric) {
            return 0.0;
        }
        if (!Double.isFinite(analytic) || !Double.isFinite(numeric)) {
            return Double.POSITIVE_INFINITY;
        }
        double excess = Math.max(0.0, Math.abs(analytic - numeric) - roundOff);
        return excess == 0 ? 0.0 : excess / Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), floor);
    }

    // ------------------------------------------------------------------ reports

    /** The result of checking one input: its worst value, and the whole gradients. */
    public static final class InputReport {
        private final int position;
        private final String name;
        private final int[] shape;
        private final Mode mode;
        private final int checked;
        private final double scale;
        private final double floor;
        private final int worst;
        private final double analytic;
        private final double numeric;
        private final double roundOff;
        private final double error;
        private final Tensor analyticGradient;
        private final Tensor numericGradient;

        private InputReport(int position, String name, int[] shape, Mode mode, int checked, double scale, double floor,
                            int worst, double analytic, double numeric, double roundOff, double error,
                            Tensor analyticGradient, Tensor numericGradient) {
            this.position = position;
            this.name = name;
            this.shape = shape;
            this.mode = mode;
            this.checked = checked;
            this.scale = scale;
            this.floor = floor;
            this.worst = worst;
            this.analytic = analytic;
            this.numeric = numeric;
            this.roundOff = roundOff;
            this.error = error;
            this.analyticGradient = analyticGradient;
            this.numericGradient = numericGradient;
        }

        static InputReport of(Comparison c, double floor) {
            double[] a = c.analytic;
            double[] n = c.numeric;
            int worst = -1;
            double error = 0;
            for (int i = 0; i < a.length; i++) {
                double e = GradCheck.relativeError(a[i], n[i], c.roundOff[i], floor);
                if (worst < 0 || e > error) {
                    worst = i;
                    error = e;
                }
            }
            return new InputReport(c.position, c.name, c.shape, c.mode, a.length, c.scale(), floor, worst,
                    worst < 0 ? 0 : a[worst], worst < 0 ? 0 : n[worst], worst < 0 ? 0 : c.roundOff[worst], error,
                    c.analyticGradient, c.numericGradient);
        }

        /** Position of the input in the checked list (or argument list). */
        public int position() {
            return position;
        }

        /** The parameter's name, {@code "input i"} for tensor inputs, or {@code "parameter i"}. */
        public String name() {
            return name;
        }

        public int[] shape() {
            return shape.clone();
        }

        /** {@link Mode#JACOBIAN} or {@link Mode#DIRECTIONS}: how this input was checked. */
        public Mode mode() {
            return mode;
        }

        /** Number of values compared (entries, or directions). */
        public int checkedCount() {
            return checked;
        }

        /** G_k: the largest |analytic| or |numeric| value of this input (for information; the floor uses G). */
        public double gradientScale() {
            return scale;
        }

        /** φ: the floor of the relative error's denominator (the same for every input of a check). */
        public double floor() {
            return floor;
        }

        /** Row-major position of the worst entry, or -1 when checked by directions (or empty). */
        public int worstFlatIndex() {
            return mode == Mode.JACOBIAN ? worst : -1;
        }

        /** Full index of the worst entry, or null when checked by directions (or empty). */
        public int[] worstIndex() {
            if (mode != Mode.JACOBIAN || worst < 0) {
                return null;
            }
            int[] index = new int[shape.length];
            int rem = worst;
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d] = rem % shape[d];
                rem /= shape[d];
            }
            return index;
        }

        /** Number of the worst random direction, or -1 when checked entry by entry. */
        public int worstDirection() {
            return mode == Mode.DIRECTIONS ? worst : -1;
        }

        /** The analytic value (entry or directional derivative) at the worst place. */
        public double analytic() {
            return analytic;
        }

        /** The finite-difference value at the worst place. */
        public double numeric() {
            return numeric;
        }

        /** ν: the round-off allowance of the numeric value at the worst place. */
        public double roundOff() {
            return roundOff;
        }

        /** The largest relative error of this input. */
        public double relativeError() {
            return error;
        }

        /** The whole analytic gradient (with respect to this input) of the scalarized function. */
        public Tensor analyticGradient() {
            return analyticGradient;
        }

        /** The whole finite-difference gradient in {@link Mode#JACOBIAN}, else null. */
        public Tensor numericGradient() {
            return numericGradient;
        }

        /** True if the largest relative error is at most {@code tolerance}. */
        public boolean passed(double tolerance) {
            return error <= tolerance;
        }

        /** Where the worst value is, e.g. {@code "index [2, 1] (flat 9)"} or {@code "random direction 3 of 16"}. */
        public String where() {
            if (worst < 0) {
                return "no entries";
            }
            if (mode == Mode.JACOBIAN) {
                return "index " + Arrays.toString(worstIndex()) + " (flat " + worst + ")";
            }
            return "random direction " + worst + " of " + checked;
        }

        @Override
        public String toString() {
            return "input " + position + " '" + name + "' " + Shape.format(shape) + " ("
                    + (mode == Mode.JACOBIAN ? "whole Jacobian" : checked + " random directions") + "): worst at "
                    + where() + ": analytic " + analytic + ", numeric " + numeric + ", relative error "
                    + String.format("%.3e", error) + " (round-off " + String.format("%.3e", roundOff) + ", floor "
                    + String.format("%.3e", floor) + "; this input's gradient scale " + String.format("%.3e", scale) + ")";
        }
    }

    /** The result of a check: one {@link InputReport} per input. */
    public static final class Report {
        private final List<InputReport> inputs;
        private final double loss;
        private final int[] outputShape;
        private final double scale;
        private final double floor;

        private final Scheme scheme;

        private Report(List<InputReport> inputs, double loss, int[] outputShape, double scale, double floor,
                       Scheme scheme) {
            this.scheme = scheme;
            this.inputs = Collections.unmodifiableList(inputs);
            this.loss = loss;
            this.outputShape = outputShape;
            this.scale = scale;
            this.floor = floor;
        }

        /** G: the largest |analytic| or |numeric| value over every input. */
        public double gradientScale() {
            return scale;
        }

        /** φ = max(ρ G, φ_abs): the floor of every relative error of this check. */
        public double floor() {
            return floor;
        }

        /** One report per checked input, in order. */
        public List<InputReport> inputs() {
            return inputs;
        }

        /** The report of input {@code position}. */
        public InputReport input(int position) {
            return inputs.get(position);
        }

        /** L at the unperturbed inputs (the projected output for non-scalar functions). */
        public double loss() {
            return loss;
        }

        /** The shape of the function's output. */
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** The largest relative error over all inputs. */
        public double maxRelativeError() {
            double m = 0;
            for (InputReport r : inputs) {
                m = Math.max(m, r.error);
            }
            return m;
        }

        /** The input with the largest relative error. */
        public InputReport worst() {
            InputReport w = inputs.get(0);
            for (InputReport r : inputs) {
                if (r.error > w.error) {
                    w = r;
                }
            }
            return w;
        }

        /** True if every input's largest relative error is at most {@code tolerance}. */
        public boolean passed(double tolerance) {
            for (InputReport r : inputs) {
                if (!r.passed(tolerance)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Throws an {@link AssertionError} naming every input whose largest relative error exceeds
         * {@code tolerance}, with the place, both values and the error; returns this otherwise.
         */
        public Report assertClose(double tolerance) {
            if (passed(tolerance)) {
                return this;
            }
            StringBuilder sb = new StringBuilder("gradient check failed: backward disagrees with "
                    + (scheme == Scheme.RICHARDSON ? "Richardson-extrapolated central " : "central finite ")
                    + "differences (tolerance " + tolerance + ", relative error max(0, |a - n| - round-off) / max(|a|, |n|, "
                    + "floor))");
            if (outputShape.length > 0 && Shape.size(outputShape) > 1) {
                sb.append(" for the output of shape ").append(Shape.format(outputShape))
                        .append(" projected on a fixed random vector");
            }
            for (InputReport r : inputs) {
                if (!r.passed(tolerance)) {
                    sb.append("\n  input ").append(r.position)
                            .append(" '").append(r.name).append("' of shape ").append(Shape.format(r.shape))
                            .append(", at ").append(r.where()).append(":")
                            .append("\n    analytic ").append(r.analytic)
                            .append("\n    numeric  ").append(r.numeric)
                            .append("\n    relative error ").append(String.format("%.3e", r.error))
                            .append(" > ").append(tolerance)
                            .append(" (round-off ").append(String.format("%.3e", r.roundOff))
                            .append(", floor ").append(String.format("%.3e", floor))
                            .append(", gradient scale ").append(String.format("%.3e", scale)).append(')');
                }
            }
            throw new AssertionError(sb.toString());
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("GradCheck.Report(max relative error ")
                    .append(String.format("%.3e", maxRelativeError())).append(')');
            for (InputReport r : inputs) {
                sb.append("\n  ").append(r);
            }
            return sb.toString();
        }
    }
}
