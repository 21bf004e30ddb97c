package com.mka1.backend.cuda;

final class Placeholder {
    private Placeholder() {}
}
