package io.chainrule.rnn.cell;

import io.chainrule.rnn.Cell;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Makes the cell of one position in a deep or bidirectional network, its parameters named for
 * that position. The built-in cells' constructors fit: {@code TanhRnnCell::new},
 * {@code GruCell::new}, {@code LstmCell::new}; a cell of your own fits with a constructor of
 * the same arguments.
 */
@FunctionalInterface
public interface CellFactory {

    /** A cell reading inputs of size {@code inputSize} with state parts of size {@code hiddenSize}. */
    Cell create(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng);
}
