package com.mka1.api;

/** The in-process facade (filled in by the control-plane work). */
public interface Mka1 extends AutoCloseable {
    @Override
    void close();
}
