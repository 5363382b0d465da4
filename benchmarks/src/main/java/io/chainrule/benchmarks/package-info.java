/** JMH benchmarks, one question per class. */
package io.chainrule.benchmarks;
