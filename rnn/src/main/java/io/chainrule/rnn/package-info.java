/** chainrule rnn. */
package io.chainrule.rnn;
