package com.mka1.core.jinja;

import java.util.List;

/** The {@code loop} variable inside a for loop. */
record LoopInfo(List<Object> items, int index0) {
    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index0" -> (long) index0;
            case "index" -> (long) index0 + 1;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("loop.previtem");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : new Undefined("loop.nextitem");
            case "cycle" -> (JinjaCallable) (args, kwargs) -> args.isEmpty()
                    ? new Undefined("loop.cycle()") : args.get(index0 % args.size());
            default -> new Undefined("loop." + name);
        };
    }
}
