/** chainrule autodiff. */
package io.chainrule.autodiff;
