package io.chainrule.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard error is a terminal, so that a redrawn progress line never ends up in a log file. */
final class Terminal {
    private Terminal() {
    }

    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception e) {
            // no /proc: fall through
        }
        return System.console() != null;
    }
}
