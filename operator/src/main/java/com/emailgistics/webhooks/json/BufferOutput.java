package com.emailgistics.webhooks.json;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;

/** Lets Jackson write straight into a Vert.x buffer that goes on the wire. */
public final class BufferOutput extends OutputStream {
  private final Buffer buffer;

  public BufferOutput(int initialSize) {
    this.buffer = Buffer.buffer(initialSize);
  }

  public Buffer buffer() {
    return buffer;
  }

  @Override
  public void write(int b) {
    buffer.appendByte((byte) b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    buffer.appendBytes(bytes, offset, length);
  }
}
