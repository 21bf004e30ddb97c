package com.mka1.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes an upload through, ending it with 413 as soon as it passes the limit (before the disk fills). */
public final class UploadLimitStream extends FilterInputStream {
    private final long limit;
    private long count;

    public UploadLimitStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(int n) {
        count += n;
        if (count > limit) {
            throw new HttpProblem(ApiError.payloadTooLarge("The uploaded file is larger than the limit of " + limit
                    + " bytes"));
        }
    }
}
