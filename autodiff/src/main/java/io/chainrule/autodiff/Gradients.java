package io.chainrule.autodiff;

import io.chainrule.core.Tensor;

/**
 * What an {@link Op}'s backward sees: the gradients of its outputs, and the only way to hand over
 * the gradients of its inputs. The engine behind it decides where gradients are written and when
 * they are summed (staging, buffer reuse, joining, writing in place); an op says only what each
 * gradient is.
 *
 * <p>Rules for the op:
 * <ul>
 *   <li>hand over each input's gradient at most once, as a tensor of that input's shape, a
 *       product, or a constant; an input that receives nothing gets no gradient from this op (a
 *       cut: nothing upstream is visited through it);</li>
 *   <li>do not change {@link #output} (except through {@link #destinationInPlace} or
 *       {@link #overwritableOutput}, which say when that is allowed), the tensors you saved, or a
 *       tensor after handing it over; do not keep any of them after backward returns;</li>
 *   <li>inputs that need no gradient ({@link Op#needsInputGrad}) may be skipped: what is handed
 *       over for them is ignored.</li>
 * </ul>
 */
public interface Gradients {

    /** The gradient of the op's (first) output. */
    Tensor output();

    /** The gradient of output {@code slot}, or null if none reached it (a multi-output op). */
    Tensor output(int slot);

    /** Hands over {@code gradient} as the gradient of input {@code input}. */
    void set(int input, Tensor gradient);

    /**
     * Hands over {@code op(a) · op(b)} (matrices; op transposes when its flag is set) as the
     * gradient of input {@code input}: the same as {@code set(input, a.matmul(ta, b, tb))}, but the
     * engine may accumulate the product straight into where that gradient is summed.
     */
    void addProduct(int input, Tensor a, boolean transposeA, Tensor b, boolean transposeB);

    /** Hands over the gradient of input {@code input} whose every element is {@code value}. */
    void fill(int input, double value);

    /**
     * A buffer of input {@code input}'s shape, contents undefined, where the op may compute that
     * input's gradient and then {@link #set} it (perhaps where the engine collects it, saving a
     * copy). It never shares storage with anything the op reads.
     */
    Tensor destination(int input);

    /**
     * Like {@link #destination}, for an op that computes input {@code input}'s gradient element by
     * element, element j from element j of {@link #output()} (and of saved values): the buffer may
     * be {@code output()} itself, so write element j only after reading element j.
     */
    Tensor destinationInPlace(int input);

    /**
     * A buffer of {@link #output()}'s shape that the op may overwrite element by element (element j
     * after reading element j of {@code output()}): {@code output()} itself when nothing else
     * reads it, else a buffer with undefined contents that the op must fill.
     */
    Tensor overwritableOutput();

    /**
     * For an op made with {@link Op#outputParts}: the gradient with respect to the whole tensor,
     * each output's gradient in its place and zeros where none arrived.
     */
    Tensor joinedOutputs();
}
