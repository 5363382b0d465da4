package io.chainrule.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.function.UnaryOperator;

/** Passes the first {@code limit} bytes through, then fails as a full disk or a killed process would. */
public final class FailingChannel implements WritableByteChannel {
    private final WritableByteChannel inner;
    private long remaining;

    private FailingChannel(WritableByteChannel inner, long limit) {
        this.inner = inner;
        this.remaining = limit;
    }

    /** A channel filter that fails after {@code limit} bytes. */
    public static UnaryOperator<WritableByteChannel> after(long limit) {
        return ch -> new FailingChannel(ch, limit);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (remaining <= 0) {
            throw new IOException("simulated failure: no space left on device");
        }
        if (src.remaining() <= remaining) {
            int n = inner.write(src);
            remaining -= n;
            return n;
        }
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) remaining);
        int n = inner.write(part);
        src.position(src.position() + n);
        remaining -= n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
