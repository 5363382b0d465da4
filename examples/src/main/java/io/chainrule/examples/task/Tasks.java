package io.chainrule.examples.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The built-in tasks by command-line name. */
public final class Tasks {
    private Tasks() {
    }

    public static final List<String> NAMES = List.of("brackets", "adding", "copy", "sine", "text");

    /** Builds task {@code name}; {@code textFile} is needed by (and only by) {@code text}. */
    public static Task create(String name, int steps, int batch, long seed, Path textFile) throws IOException {
        if (textFile != null && !name.equals("text")) {
            throw new IllegalArgumentException("--file is for --task text only (the task is " + name + ")");
        }
        return switch (name) {
            case "brackets" -> new BracketsTask(steps, batch, seed);
            case "adding" -> new AddingTask(steps, batch, seed);
            case "copy" -> new CopyTask(steps, batch, seed);
            case "sine" -> new SineTask(steps, batch, seed);
            case "text" -> {
                if (textFile == null) {
                    throw new IllegalArgumentException("--task text needs --file FILE (a UTF-8 text file)");
                }
                yield new TextTask(textFile, steps, batch);
            }
            default -> throw new IllegalArgumentException("unknown task '" + name + "'; expected one of " + NAMES);
        };
    }
}
