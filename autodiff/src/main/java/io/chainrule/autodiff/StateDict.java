package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A model's named parameters, in a fixed order: PyTorch's {@code state_dict}, name → parameter.
 * What a model saves, what it loads, and what an optimizer updates ({@link #parameters()}).
 *
 * <pre>{@code
 * StateDict state = StateDict.builder()
 *         .add("rnn", cell.stateDict())          // rnn.weight_ih_l0, rnn.weight_hh_l0, ...
 *         .add("head", head.stateDict())         // head.weight, head.bias
 *         .build();
 * state.save(Path.of("model.safetensors"));     // F64, PyTorch's keys
 * state.load(Path.of("model.safetensors"));     // strict: same keys, same shapes, finite values
 * }</pre>
 *
 * <p><b>Names compose by prefixes</b>, as PyTorch's do for submodules: {@link Builder#add(String,
 * StateDict)} puts {@code prefix.} before every key of a part, so a model made of parts has the
 * keys a PyTorch module with those submodules has. A built-in cell's own keys are those of the
 * matching one-layer {@code nn.RNN}, {@code nn.GRU} or {@code nn.LSTM} ({@code weight_ih_l0}, ...),
 * so its state loads into that module as is; {@link #renamed} rewrites keys where a layout needs
 * more than a prefix (layer k of a stacked network: {@code _l0} → {@code _lk}).
 *
 * <p><b>Loading is strict and all or nothing</b>: every key present, no other key, each value of
 * the parameter's shape and finite; any mismatch is an error naming the key, both shapes or the
 * first non-finite entry, and nothing is changed until everything has been checked. Values are
 * copied into the parameters bit for bit (their versions count the write, so a graph that saved
 * the old values refuses to differentiate with the new ones).
 */
public final class StateDict {
    private final Map<String, Var> entries;

    private StateDict(Map<String, Var> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * The parameters keyed by their own names ({@link Var#name()}), in the given order. Each must
     * be a parameter ({@link Var#param}) with a name no other one has.
     */
    public static StateDict of(List<Var> parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        Builder b = builder();
        for (int i = 0; i < parameters.size(); i++) {
            Var p = parameters.get(i);
            if (p == null) {
                throw new IllegalArgumentException("parameter " + i + " is null");
            }
            if (p.name() == null || p.name().isEmpty()) {
                throw new IllegalArgumentException("parameter " + i + " " + Shape.format(p.shape())
                        + " has no name; name it (Var.param(value, name)) to key it in a state dict");
            }
            b.add(p.name(), p);
        }
        return b.build();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects keyed parameters in order; a key or a parameter given twice is an error. */
    public static final class Builder {
        private final Map<String, Var> entries = new LinkedHashMap<>();
        private final Map<Var, String> keys = new IdentityHashMap<>();

        private Builder() {
        }

        /** Adds {@code parameter} under {@code key}. */
        public Builder add(String key, Var parameter) {
            checkKey(key);
            if (parameter == null || !parameter.isParameter()) {
                throw new IllegalArgumentException("state dict key '" + key + "': "
                        + (parameter == null ? "the parameter is null" : parameter.describe()
                        + " is not a parameter (Var.param)"));
            }
            if (entries.containsKey(key)) {
                throw new IllegalArgumentException("state dict key '" + key + "' is given twice");
            }
            String before = keys.putIfAbsent(parameter, key);
            if (before != null) {
                throw new IllegalArgumentException("state dict keys '" + before + "' and '" + key
                        + "' are the same parameter; list each parameter once");
            }
            entries.put(key, parameter);
            return this;
        }

        /** Adds every entry of {@code part} under {@code prefix + "." + key}. */
        public Builder add(String prefix, StateDict part) {
            checkKey(prefix);
            if (part == null) {
                throw new IllegalArgumentException("state dict part '" + prefix + "' is null");
            }
            part.entries.forEach((k, v) -> add(prefix + "." + k, v));
            return this;
        }

        public StateDict build() {
            return new StateDict(new LinkedHashMap<>(entries));
        }

        private static void checkKey(String key) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("a state dict key must be a non-empty string, got "
                        + (key == null ? "null" : "''"));
            }
        }
    }

    /** The same parameters under {@code prefix + "." + key}. */
    public StateDict prefixed(String prefix) {
        return builder().add(prefix, this).build();
    }

    /** The same parameters under {@code rename.apply(key)} (distinct, non-empty keys). */
    public StateDict renamed(UnaryOperator<String> rename) {
        Builder b = builder();
        entries.forEach((k, v) -> b.add(rename.apply(k), v));
        return b.build();
    }

    /** The keys, in order. */
    public Set<String> keys() {
        return entries.keySet();
    }

    /** The number of parameters. */
    public int size() {
        return entries.size();
    }

    /** The parameter under {@code key}; an error naming the keys there are when there is none. */
    public Var get(String key) {
        Var v = entries.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the state dict has no key '" + key + "' (it has " + keys() + ")");
        }
        return v;
    }

    /** The parameters in order (for an optimizer, clipping or a gradient check). */
    public List<Var> parameters() {
        return List.copyOf(entries.values());
    }

    /** The number of scalar parameters. */
    public long count() {
        long n = 0;
        for (Var v : entries.values()) {
            n += v.value().size();
        }
        return n;
    }

    /** Key → the parameter's value (the tensor itself, not a copy), in order: what to save. */
    public Map<String, Tensor> values() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        entries.forEach((k, v) -> m.put(k, v.value()));
        return m;
    }

    /**
     * Saves the values as a safetensors file (F64, keys in name order, metadata
     * {@code format: pt}), atomically: the file is the old one or the new one, never a torn one.
     * {@code safetensors.torch.load_file} reads it, and a built-in cell's file loads into the
     * matching PyTorch module with {@code load_state_dict} as is.
     */
    public void save(Path file) throws IOException {
        Safetensors.save(file, values(), Map.of("format", "pt"));
    }

    /**
     * Loads a safetensors file (F64 or F32) strictly: exactly this dict's keys, each of its
     * parameter's shape, every value finite. Errors begin with the file and name the key, the
     * expected shape and the shape and dtype found.
     */
    public void load(Path file) throws IOException {
        SafetensorsFile f = Safetensors.load(file);
        load(f.tensors(), file.toString(), f.dtypes());
    }

    /**
     * Loads this dict from the keys {@code prefix + "." + key} of a safetensors file (a part of a
     * larger model's file: {@code cell.stateDict().load(path, "cell")}); keys of the file outside
     * the prefix are left alone, and within it loading is as strict as {@link #load(Path)}.
     */
    public void load(Path file, String prefix) throws IOException {
        if (prefix == null || prefix.isEmpty()) {
            load(file);
            return;
        }
        SafetensorsFile f = Safetensors.load(file);
        Map<String, Tensor> part = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        String p = prefix + ".";
        f.tensors().forEach((k, v) -> {
            if (k.startsWith(p)) {
                part.put(k.substring(p.length()), v);
                dtypes.put(k.substring(p.length()), f.dtype(k));
            }
        });
        if (part.isEmpty()) {
            throw new IllegalArgumentException(file + ": no key begins with '" + p + "' (the file has "
                    + new TreeSet<>(f.tensors().keySet()) + ")");
        }
        load(part, file + " (keys under '" + p + "')", dtypes);
    }

    /** {@link #load(Map, String)} with no source to name. */
    public void load(Map<String, Tensor> values) {
        load(values, null);
    }

    /**
     * Copies {@code values} into the parameters, strictly (see the class comment); {@code source}
     * (a file name, or null) begins every error message.
     */
    public void load(Map<String, Tensor> values, String source) {
        load(values, source, Map.of());
    }

    private void load(Map<String, Tensor> values, String source, Map<String, String> dtypes) {
        String where = source == null ? "" : source + ": ";
        if (values == null) {
            throw new IllegalArgumentException(where + "no values to load");
        }
        Set<String> extra = new TreeSet<>(values.keySet());
        extra.removeAll(entries.keySet());
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException(where + "unexpected key" + (extra.size() > 1 ? "s " : " ")
                    + quoted(extra) + " (this model's keys are " + keys() + ")");
        }
        List<String> missing = new ArrayList<>();
        for (String k : entries.keySet()) {
            if (!values.containsKey(k)) {
                missing.add(k);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(where + "missing key" + (missing.size() > 1 ? "s " : " ")
                    + quoted(missing) + " (found " + new TreeSet<>(values.keySet()) + ")");
        }
        for (Map.Entry<String, Var> e : entries.entrySet()) {
            Tensor v = values.get(e.getKey());
            String dtype = dtypes.get(e.getKey());
            if (dtype != null && v != null && !v.hasShape(e.getValue().shape())) {
                throw new IllegalArgumentException(where + "key '" + e.getKey() + "': expected shape "
                        + Shape.format(e.getValue().shape()) + " (F64 or F32), found " + Shape.format(v.shape()) + " "
                        + dtype);
            }
            checkValue(where, e.getKey(), e.getValue().shape(), v);
        }
        entries.forEach((k, v) -> v.value().assignInPlace(values.get(k)));
    }

    /**
     * Checks one value for {@code key}: present, of {@code shape}, every entry finite. The error
     * names the key, the expected and found shapes, or the first non-finite entry's index.
     */
    public static void checkValue(String where, String key, int[] shape, Tensor value) {
        if (value == null) {
            throw new IllegalArgumentException(where + "key '" + key + "' has no value (null)");
        }
        if (!value.hasShape(shape)) {
            throw new IllegalArgumentException(where + "key '" + key + "': expected shape " + Shape.format(shape)
                    + ", found " + Shape.format(value.shape()));
        }
        int bad = value.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(where + "key '" + key + "' " + Shape.format(shape) + " holds "
                    + value.getFlat(bad) + " at index " + java.util.Arrays.toString(unravel(bad, shape))
                    + " (flat " + bad + "); parameters must be finite");
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    private static String quoted(java.util.Collection<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StateDict{");
        entries.forEach((k, v) -> sb.append(sb.length() == 10 ? "" : ", ").append(k).append(' ')
                .append(Shape.format(v.shape())));
        return sb.append('}').toString();
    }
}
