/** Durable writes: every file the control plane keeps is replaced atomically (temp file, fsync, rename). */
package com.mka1.core.storage;
