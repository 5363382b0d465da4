package io.chainrule.spark;

import java.io.Serializable;

/**
 * What the driver broadcasts for a step: the parameter values, in the replicas' order, and the
 * state carried into the batch (each tensor with the batch's rows along axis 0; null: zero), of
 * which each task reads its own shard's rows.
 */
record StepInputs(FlatTensor[] parameters, FlatTensor[] carried) implements Serializable {
}
