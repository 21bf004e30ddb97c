package com.mka1.core.train.data;

import java.util.List;
import java.util.stream.Collectors;

/** Formats line numbers for one-line job events: "lines 3, 7, 9" or "lines 1, 2, ..., 10 and 5 more". */
public final class LineList {
    private static final int SHOWN = 10;

    private LineList() {}

    public static String format(List<Integer> lines) {
        String shown = lines.stream().limit(SHOWN).map(String::valueOf).collect(Collectors.joining(", "));
        String more = lines.size() > SHOWN ? " and " + (lines.size() - SHOWN) + " more" : "";
        return (lines.size() == 1 ? "line " : "lines ") + shown + more;
    }
}
