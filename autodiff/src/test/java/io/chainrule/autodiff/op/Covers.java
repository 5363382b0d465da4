package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Op;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a property (or example) as the gradient check of the listed primitive ops;
 * {@link PrimitiveCoverageTest} requires one for every class in {@link Primitives#ALL}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Covers {
    Class<? extends Op>[] value();
}
