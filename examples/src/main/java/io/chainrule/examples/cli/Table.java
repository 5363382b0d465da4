package io.chainrule.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for the terminal: columns padded to their widest cell, numbers right-aligned. */
final class Table {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    /** Adds a column whose cells are text (left-aligned). */
    Table text(String header) {
        headers.add(header);
        rightAligned.add(false);
        return this;
    }

    /** Adds a column whose cells are numbers (right-aligned). */
    Table number(String header) {
        headers.add(header);
        rightAligned.add(true);
        return this;
    }

    Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row of this table has " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    void print(PrintWriter out) {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = headers.get(c).length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        out.println(line(headers.toArray(new String[0]), width));
        for (String[] r : rows) {
            out.println(line(r, width));
        }
    }

    private String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            sb.append(c == 0 ? "" : "  ").append(rightAligned.get(c) ? pad + cells[c] : cells[c] + (c == cells.length - 1 ? "" : pad));
        }
        return sb.toString();
    }
}
