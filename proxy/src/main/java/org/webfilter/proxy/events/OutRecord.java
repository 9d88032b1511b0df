package org.webfilter.proxy.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One Kafka record on its way out, in the form the spool stores: which topic (by kind, so an operator
 * may rename topics between restarts), the key and the encoded value.
 *
 * <p>Spool payload layout: {@code kind:u8 | keyLength:u16 (0xFFFF = null) | key:UTF-8 | value}.
 */
record OutRecord(Kind kind, String key, byte[] value) {

  /** Which topic a record goes to. The ordinal is written to disk: append new kinds at the end. */
  enum Kind {
    ACCESS,
    ALERT,
    REVIEW
  }

  private static final int NULL_KEY = 0xFFFF;

  byte[] toPayload() {
    byte[] k = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
    if (k.length >= NULL_KEY) {
      throw new IllegalArgumentException("key too long: " + k.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(3 + k.length + value.length);
    b.put((byte) kind.ordinal());
    b.putShort((short) (key == null ? NULL_KEY : k.length));
    b.put(k).put(value);
    return b.array();
  }

  /**
   * @throws IllegalArgumentException when the payload is not a record (a checksummed frame should
   *     never be; it means a format bug)
   */
  static OutRecord fromPayload(byte[] payload) {
    if (payload.length < 3 || payload[0] < 0 || payload[0] >= Kind.values().length) {
      throw new IllegalArgumentException("not a spooled record");
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    Kind kind = Kind.values()[b.get()];
    int keyLength = Short.toUnsignedInt(b.getShort());
    String key = null;
    if (keyLength != NULL_KEY) {
      if (keyLength > b.remaining()) {
        throw new IllegalArgumentException("key length " + keyLength + " beyond payload");
      }
      key = new String(payload, 3, keyLength, StandardCharsets.UTF_8);
      b.position(3 + keyLength);
    }
    byte[] value = new byte[b.remaining()];
    b.get(value);
    return new OutRecord(kind, key, value);
  }

  /** Bytes this record occupies in the producer and on disk, roughly. */
  int size() {
    return value.length + (key == null ? 0 : key.length()) + 3;
  }
}
