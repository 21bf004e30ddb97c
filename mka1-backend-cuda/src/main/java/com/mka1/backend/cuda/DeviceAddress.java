package com.mka1.backend.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * The raw 64-bit values behind JCuda's handles, for passing device pointers and the stream to a
 * library bound through {@code java.lang.foreign} (cuBLASLt). JCuda keeps them in protected
 * fields; its protected copy constructors are the supported way to read them: a subclass copies
 * the handle and reads its own copy.
 */
final class DeviceAddress {
    private DeviceAddress() {}

    /** The device address a JCuda pointer names: its base address plus its byte offset. */
    static long of(Pointer pointer) {
        return new PointerCopy(pointer).address();
    }

    /** The native handle of a JCuda object (a {@code CUstream}, a {@code CUcontext}). */
    static long handle(NativePointerObject object) {
        return new HandleCopy(object).handle();
    }

    private static final class PointerCopy extends Pointer {
        PointerCopy(Pointer other) {
            super(other);
        }

        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    private static final class HandleCopy extends NativePointerObject {
        HandleCopy(NativePointerObject other) {
            super(other);
        }

        long handle() {
            return getNativePointer();
        }
    }
}
