package io.chainrule.spark;

import java.io.Serializable;

/**
 * Makes {@link Replica}s in Spark's executors. It is serialized into every task of every
 * iteration, so keep it small: the description of a model (a config, sizes, a seed), never data
 * or parameter values (those are broadcast).
 */
@FunctionalInterface
public interface ReplicaFactory extends Serializable {

    /** A new replica; its parameters' values do not matter (the driver's are loaded before each use). */
    Replica create();
}
