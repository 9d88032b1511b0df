package org.webfilter.proxy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.webfilter.policy.Policy;
import org.webfilter.policy.config.ProxySettings;

/** What every client connection of one proxy shares: settings, policy, event sink, helpers. */
final class ProxyContext {
  final ProxySettings settings;
  final Supplier<Policy> policy;
  final EventSink events;
  final Clock clock;
  final DestinationGuard guard;
  final BlockPage blockPage;
  /** Review requests from block pages, answered by the proxy itself. */
  final ReviewDesk reviews;
  final ProxyOptions options;
  final HostDecider decider;
  /** Where blocking name lookups run, off the event loops. */
  final ExecutorService resolver;
  /** Our {@code Via} name: a request that already carries it has looped back to us. */
  final String viaName;
  /** TLS interception (the school CA, leaf certificates); null when off. */
  final Interception interception;
  /** Idle upstream connections, plain and TLS, for every client connection and tunnel. */
  final UpstreamPool pool;
  final BufferPressure pressure = BufferPressure.ofNetty();
  private volatile InetSocketAddress bound;
  private volatile String pacHost;

  ProxyContext(
      ProxySettings settings,
      Supplier<Policy> policy,
      EventSink events,
      Clock clock,
      DestinationGuard guard,
      BlockPage blockPage,
      ProxyOptions options,
      ExecutorService resolver,
      String viaName,
      Interception interception) {
    this.settings = settings;
    this.policy = policy;
    this.events = events;
    this.clock = clock;
    this.guard = guard;
    this.blockPage = blockPage;
    this.reviews = new ReviewDesk(events, clock, viaName, blockPage);
    this.options = options;
    this.decider = new HostDecider(options.restrictRole());
    this.resolver = resolver;
    this.viaName = viaName;
    this.interception = interception;
    this.pool = new UpstreamPool(options.upstream());
  }

  /** Called once the server is listening: the real port, and how PAC files name us by default. */
  void bound(InetSocketAddress address, String pacHost) {
    this.pacHost = pacHost;
    this.bound = address;
  }

  /** A new exchange (one access event) for a request from {@code clientIp}. */
  Exchange exchange(String clientIp, String method, boolean connect) {
    return new Exchange(clock, events, settings.nodeName(), clientIp, method, connect);
  }

  int port() {
    InetSocketAddress b = bound;
    return b == null ? settings.port() : b.getPort();
  }

  String pacHost() {
    return pacHost;
  }
}
