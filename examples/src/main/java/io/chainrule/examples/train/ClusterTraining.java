package io.chainrule.examples.train;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Training whose gradients are computed on a cluster engine, data-parallel. Found at run time with
 * {@link ServiceLoader}, so the plain program neither carries nor loads an engine: module
 * {@code spark} provides one, in {@code chainrule-spark.jar}.
 */
public interface ClusterTraining {

    /**
     * Starts a session on {@code master} (null: the master the engine's own launcher configured,
     * e.g. {@code spark-submit --master}) that splits each batch into {@code shards} shards
     * (0: the engine's default parallelism).
     */
    Session connect(String master, int shards);

    /** A connection to the engine: makes the gradient steps of runs until closed. */
    interface Session extends GradientStep.Factory, AutoCloseable {

        /** One line for the run's header: engine, version, master, shards. */
        String describe();

        @Override
        void close();
    }

    /** The engine on the class path, if any. */
    static Optional<ClusterTraining> find() {
        return ServiceLoader.load(ClusterTraining.class).findFirst();
    }
}
