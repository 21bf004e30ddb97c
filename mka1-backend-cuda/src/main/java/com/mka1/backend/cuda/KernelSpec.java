package com.mka1.backend.cuda;

import java.util.List;

/**
 * One PTX entry point: the module (resource {@code ptx/<module>.ptx}) that holds it, its
 * {@code extern "C"} name, and its parameter list in order.
 */
record KernelSpec(String module, String entry, List<ParamType> params) {
    KernelSpec {
        params = List.copyOf(params);
    }

    static KernelSpec of(String module, String entry, ParamType... params) {
        return new KernelSpec(module, entry, List.of(params));
    }

    /** Throws when {@code args} do not match {@link #params} in count and types. */
    void checkArguments(Object[] args) {
        if (args.length != params.size()) {
            throw new IllegalArgumentException("kernel " + entry + " takes " + params.size()
                    + " parameters, got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            if (!params.get(i).accepts(args[i])) {
                throw new IllegalArgumentException("kernel " + entry + " parameter " + i + " must be "
                        + params.get(i) + ", got " + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
            }
        }
    }
}
