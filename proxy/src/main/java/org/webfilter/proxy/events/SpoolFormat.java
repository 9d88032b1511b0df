package org.webfilter.proxy.events;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one spooled record:
 *
 * <pre>
 *   magic   4 bytes  F5 57 46 31 ("\xF5WF1": 0xF5 never occurs in UTF-8 JSON, so it marks frame starts)
 *   length  4 bytes  big-endian payload length, 0 .. {@link #MAX_PAYLOAD}
 *   crc     4 bytes  CRC32C of the length bytes and the payload
 *   payload length bytes ({@link OutRecord#toPayload()})
 * </pre>
 *
 * A reader that meets a bad frame (wrong magic, impossible length, checksum mismatch, cut short)
 * reports it and scans forward for the next magic whose frame checks out, so one damaged record does
 * not hide the good ones after it.
 */
final class SpoolFormat {
  static final int MAGIC = 0xF5574631;
  static final int HEADER = 12;
  static final int MAX_PAYLOAD = 16 << 20;

  private SpoolFormat() {}

  static int frameSize(byte[] payload) {
    return HEADER + payload.length;
  }

  /** Writes the frame of {@code payload} into {@code out}, which must have room for it. */
  static void writeFrame(byte[] payload, ByteBuffer out) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException("record of " + payload.length + " bytes (max " + MAX_PAYLOAD + ")");
    }
    out.putInt(MAGIC).putInt(payload.length).putInt(crc(payload.length, payload, 0));
    out.put(payload);
  }

  /** CRC32C over the 4 length bytes followed by {@code length} payload bytes at {@code offset}. */
  static int crc(int length, byte[] data, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(length).flip());
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
