package io.chainrule.examples.train;

/** One iteration in metrics.csv: the training loss, the gradient norm before clipping, seconds since the run began. */
public record MetricsRow(long iteration, double loss, double gradNorm, double seconds) {
}
