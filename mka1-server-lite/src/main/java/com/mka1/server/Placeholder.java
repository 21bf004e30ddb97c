package com.mka1.server;

final class Placeholder {
    private Placeholder() {}
}
