package com.mka1.backend.cpu;

final class Placeholder {
    private Placeholder() {}
}
