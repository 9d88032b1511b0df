package org.webfilter.categoriser;

import java.util.Map;

/**
 * An immutable, compact set of domain entries, each carrying one or more (source, line) pairs.
 *
 * <p>Layout: every distinct entry is one record in a single {@code byte[]}: {@code [length][ASCII name]
 * [count varint]([source varint][line varint])*count}. An open-addressing table of {@code int} slots
 * (load factor at most 0.6, linear probing) points at the records; each slot packs the record offset in
 * its low bits and a fingerprint of the hash in the bits the offset does not need, so most probes for an
 * absent name end without touching the record bytes. A hit is always verified byte for byte, so a hash
 * collision can never produce a false match.
 *
 * <p>The hash is computed right to left (FNV-1a over the characters, then a 64-bit finaliser), so one pass
 * over a host yields the hash of every parent domain: {@code a.b.example.co.uk} probes {@code uk}, {@code
 * co.uk}, {@code example.co.uk}, ... without allocating a substring. Lookups read final arrays only and
 * need no lock.
 */
final class DomainMatcher {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Called for each matching entry; {@code start} is where the matching suffix begins in the host. */
  interface Hits {
    void hit(int record, int start);
  }

  private final int[] slots;
  private final int mask;
  private final byte[] data;
  private final int offsetBits;
  private final int offsetMask;
  private final int entries;
  /** Fewest labels of any entry: shorter suffixes ({@code com}, usually) are not probed. */
  private final int minLabels;

  private DomainMatcher(int[] slots, byte[] data, int offsetBits, int entries, int minLabels) {
    this.slots = slots;
    this.mask = slots.length - 1;
    this.data = data;
    this.offsetBits = offsetBits;
    this.offsetMask = offsetBits >= 32 ? -1 : (1 << offsetBits) - 1;
    this.entries = entries;
    this.minLabels = minLabels;
  }

  /**
   * Compiles entries. Names must be ASCII, at most 255 characters (validated host names or IP literals);
   * values are (source, line) pairs.
   */
  static DomainMatcher of(Map<String, int[]> entries) {
    long size = 0;
    int minLabels = Integer.MAX_VALUE;
    for (Map.Entry<String, int[]> e : entries.entrySet()) {
      minLabels = Math.min(minLabels, labels(e.getKey()));
      int[] refs = e.getValue();
      size += 1 + e.getKey().length() + varintSize(refs.length / 2);
      for (int ref : refs) {
        size += varintSize(ref);
      }
    }
    if (size >= Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("domain lists too large: " + size + " bytes");
    }
    byte[] data = new byte[(int) size];
    int offsetBits = 32 - Integer.numberOfLeadingZeros((int) size + 1);
    int capacity = Integer.highestOneBit(Math.max(4, (int) (entries.size() / 0.6)) - 1) << 1;
    int[] slots = new int[capacity];
    DomainMatcher m = new DomainMatcher(slots, data, offsetBits, entries.size(), minLabels);
    int pos = 0;
    for (Map.Entry<String, int[]> e : entries.entrySet()) {
      String name = e.getKey();
      int record = pos;
      data[pos++] = (byte) name.length();
      for (int i = 0; i < name.length(); i++) {
        data[pos++] = (byte) name.charAt(i);
      }
      int[] refs = e.getValue();
      pos = putVarint(data, pos, refs.length / 2);
      for (int ref : refs) {
        pos = putVarint(data, pos, ref);
      }
      long h = FNV_OFFSET;
      for (int i = name.length() - 1; i >= 0; i--) {
        h = step(h, name.charAt(i));
      }
      m.insert(mix(h), record);
    }
    return m;
  }

  private void insert(long hash, int record) {
    int slot = (int) hash & mask;
    while (slots[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    slots[slot] = (fingerprint(hash) << offsetBits) | (record + 1);
  }

  private int fingerprint(long hash) {
    return offsetBits >= 32 ? 0 : (int) (hash >>> 40) & ((1 << (32 - offsetBits)) - 1);
  }

  /**
   * Reports every entry equal to {@code host} or to one of its parent domains, shortest first. With
   * {@code exactOnly} (IP literals) only the whole host is tried.
   *
   * @return the number of hits
   */
  int match(String host, boolean exactOnly, Hits hits) {
    int found = 0;
    int len = host.length();
    long h = FNV_OFFSET;
    int labels = 0;
    for (int i = len - 1; i >= -1; i--) {
      char c = i >= 0 ? host.charAt(i) : '.';
      if (c == '.' && i + 1 < len && ++labels >= minLabels && (!exactOnly || i < 0)) {
        int record = find(host, i + 1, mix(h));
        if (record >= 0) {
          hits.hit(record, i + 1);
          found++;
        }
      }
      if (i >= 0) {
        h = step(h, c);
      }
    }
    return found;
  }

  /** The record of {@code host.substring(start)}, or -1. */
  private int find(String host, int start, long hash) {
    int fp = fingerprint(hash);
    int length = host.length() - start;
    for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
      int s = slots[slot];
      if (s == 0) {
        return -1;
      }
      if ((s >>> offsetBits) == fp || offsetBits >= 32) {
        int record = (s & offsetMask) - 1;
        if (sameName(record, host, start, length)) {
          return record;
        }
      }
    }
  }

  private boolean sameName(int record, String host, int start, int length) {
    if ((data[record] & 0xff) != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (data[record + 1 + i] != (byte) host.charAt(start + i)) {
        return false;
      }
    }
    return true;
  }

  /** Calls {@code visitor} with each (source, line) pair of a record, in insertion order. */
  void forEachRef(int record, RefVisitor visitor) {
    int pos = record + 1 + (data[record] & 0xff);
    long v = readVarint(pos);
    int count = (int) (v >>> 32);
    pos = (int) v;
    for (int i = 0; i < count; i++) {
      long source = readVarint(pos);
      long line = readVarint((int) source);
      pos = (int) line;
      visitor.ref((int) (source >>> 32), (int) (line >>> 32));
    }
  }

  interface RefVisitor {
    void ref(int source, int line);
  }

  /** Distinct names. */
  int size() {
    return entries;
  }

  /** Bytes held by the arrays (excluding object headers). */
  long footprintBytes() {
    return (long) slots.length * Integer.BYTES + data.length;
  }

  /** The varint at {@code pos}: value in the high 32 bits, the position after it in the low 32. */
  private long readVarint(int pos) {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = data[pos++];
      value |= (b & 0x7f) << shift;
      if (b >= 0) {
        return ((long) value << 32) | pos;
      }
    }
  }

  private static int labels(String name) {
    int n = 1;
    for (int i = 0; i < name.length(); i++) {
      n += name.charAt(i) == '.' ? 1 : 0;
    }
    return n;
  }

  private static long step(long h, char c) {
    return (h ^ c) * FNV_PRIME;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int putVarint(byte[] out, int pos, int v) {
    while ((v & ~0x7f) != 0) {
      out[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[pos++] = (byte) v;
    return pos;
  }
}
