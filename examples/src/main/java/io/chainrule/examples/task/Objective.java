package io.chainrule.examples.task;

/** What the output layer's [B, Q] output at a scored step is compared with. */
public enum Objective {
    /** Q logits against a class index: cross-entropy (nats). */
    CLASSIFICATION,
    /** Q values against target values: mean squared error. */
    REGRESSION
}
