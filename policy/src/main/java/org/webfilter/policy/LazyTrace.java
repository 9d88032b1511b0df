package org.webfilter.policy;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A reason trace written the first time something reads it (a block page, the UI's explanation, the
 * CLI's {@code check}), so the many decisions nobody reads pay nothing for its strings. Unmodifiable
 * and thread-safe: the lines are written once, under this object's lock, and then published as an
 * immutable list.
 */
final class LazyTrace extends AbstractList<String> implements RandomAccess {
  private Supplier<List<String>> writer;
  private volatile List<String> lines;

  /** {@code writer} must return the same lines every time it is called. */
  LazyTrace(Supplier<List<String>> writer) {
    this.writer = writer;
  }

  private List<String> lines() {
    List<String> l = lines;
    if (l == null) {
      synchronized (this) {
        l = lines;
        if (l == null) {
          l = List.copyOf(writer.get());
          lines = l;
          writer = null; // drop what the lines were written from
        }
      }
    }
    return l;
  }

  @Override
  public String get(int index) {
    return lines().get(index);
  }

  @Override
  public int size() {
    return lines().size();
  }

  @Override
  public boolean isEmpty() {
    return lines().isEmpty();
  }

  @Override
  public Iterator<String> iterator() {
    return lines().iterator();
  }

  @Override
  public void forEach(Consumer<? super String> action) {
    lines().forEach(action);
  }

  @Override
  public Object[] toArray() {
    return lines().toArray();
  }

  @Override
  public <T> T[] toArray(T[] a) {
    return lines().toArray(a);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || lines().equals(o);
  }

  @Override
  public int hashCode() {
    return lines().hashCode();
  }

  @Override
  public String toString() {
    return lines().toString();
  }
}
