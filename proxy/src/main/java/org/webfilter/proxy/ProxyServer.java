package org.webfilter.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.Policy;
import org.webfilter.policy.config.ProxySettings;

/**
 * The filtering HTTP proxy (SPEC §3): serves clients from {@code proxy.allowed-networks},
 * identifies them, decides every request once with the current {@link Policy}, answers blocks with
 * a block page and the {@code X-Webfilter-Block} header, relays the rest (adding {@code Via}),
 * serves the PAC file at {@code /proxy.pac} and {@code /wpad.dat}, and reports one access event per
 * request to an {@link EventSink}. Each client connection is served by a {@code ClientSession}
 * (plain requests; their decision is {@code RequestGate}'s) or, after CONNECT, a {@code Tunnel}.
 *
 * <p>Upstream names are resolved by the system resolver, except those in {@code proxy.resolve};
 * loopback, link-local, private and this machine's own addresses are refused unless listed there.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Pattern VIA_TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  /**
   * Event loops: one per core. A client and its upstream connections share a loop, so more loops
   * than cores only add context switches.
   */
  static final int DEFAULT_WORKER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final Channel server;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final InetSocketAddress address;
  private final ExecutorService resolver;
  private final Interception interception;

  private ProxyServer(
      Channel server,
      EventLoopGroup acceptor,
      EventLoopGroup loops,
      InetSocketAddress address,
      ExecutorService resolver,
      Interception interception) {
    this.server = server;
    this.acceptor = acceptor;
    this.loops = loops;
    this.address = address;
    this.resolver = resolver;
    this.interception = interception;
  }

  /** Starts a proxy without a review button on its block pages. */
  public static ProxyServer start(
      ProxySettings settings, Supplier<Policy> policy, EventSink events, Clock clock) {
    return start(settings, policy, events, clock, Optional.empty());
  }

  /** Starts a proxy with {@link ProxyOptions#defaults()}. */
  public static ProxyServer start(
      ProxySettings settings,
      Supplier<Policy> policy,
      EventSink events,
      Clock clock,
      Optional<String> reviewUrl) {
    return start(settings, policy, events, clock, reviewUrl, ProxyOptions.defaults());
  }

  /**
   * Starts the proxy on {@code settings.bind()}:{@code settings.port()} (port 0 picks a free port;
   * see {@link #address()}).
   *
   * @param policy read once per request, so a reloaded policy applies to the next request
   * @param events receives one event per request, on Netty threads; must not block
   * @param clock request times and the time given to the policy
   * @param reviewUrl base URL of the logs UI; block pages then offer "Ask for a review"
   * @param options circumvention checks, SafeSearch, tunnel ports, limits, timeouts and TLS
   *     interception
   * @throws IllegalArgumentException for a bind address or {@code proxy.resolve} entry that is no
   *     IP, or an unknown {@code -Dwebfilter.tls.provider} when TLS interception is on
   * @throws IllegalStateException when TLS interception is on and its CA directory holds an
   *     unusable CA (one file missing, key and certificate not a pair, key readable by others), or
   *     {@code -Dwebfilter.tls.provider=openssl} and BoringSSL cannot be loaded
   */
  public static ProxyServer start(
      ProxySettings settings,
      Supplier<Policy> policy,
      EventSink events,
      Clock clock,
      Optional<String> reviewUrl,
      ProxyOptions options) {
    return start(settings, policy, events, clock, reviewUrl, options, DEFAULT_WORKER_THREADS);
  }

  /** As above, with {@code workerThreads} event loops (tests use one). */
  static ProxyServer start(
      ProxySettings settings,
      Supplier<Policy> policy,
      EventSink events,
      Clock clock,
      Optional<String> reviewUrl,
      ProxyOptions options,
      int workerThreads) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(options, "options");
    DestinationGuard guard = DestinationGuard.forThisMachine(settings.resolve());
    String via = viaName(settings.nodeName());
    // creates the school CA on first start; a broken CA directory stops the start here
    Interception interception = Interception.create(options.interception(), via, clock);
    ExecutorService resolver = Executors.newFixedThreadPool(4, daemonThreads("webfilter-resolver"));
    ProxyContext context =
        new ProxyContext(
            settings,
            policy,
            events,
            clock,
            guard,
            new BlockPage(reviewUrl, events.takesReviews()),
            options,
            resolver,
            via,
            interception);
    ConnectionLimiter limiter = new ConnectionLimiter(options.limits().maxConnectionsPerClient());
    EventLoopGroup acceptor = Transport.group(1, daemonThreads("webfilter-accept"));
    EventLoopGroup loops = Transport.group(workerThreads, daemonThreads("webfilter-loop"));
    Channel server;
    try {
      server =
          new ServerBootstrap()
              .group(acceptor, loops)
              .channel(Transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      context.pressure.track(ch);
                      ch.pipeline()
                          .addLast(
                              ClientGuard.NAME,
                              new ClientGuard(
                                  options.limits(),
                                  limiter,
                                  () -> new LoginGate(policy),
                                  () -> new ClientSession(context)));
                    }
                  })
              .bind(new InetSocketAddress(bindAddress(settings.bind()), settings.port()))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      resolver.shutdownNow();
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (interception != null) {
        interception.close();
      }
      throw e;
    }
    if (context.pressure.measured()) {
      acceptor.next().scheduleAtFixedRate(context.pressure::check, 100, 100, TimeUnit.MILLISECONDS);
    }
    InetSocketAddress bound = (InetSocketAddress) server.localAddress();
    context.bound(bound, pacHost(bound));
    LOG.info("proxy listening on {} ({} event loops, {} transport)", bound, workerThreads, Transport.name());
    return new ProxyServer(server, acceptor, loops, bound, resolver, interception);
  }

  /** The name in our {@code Via} entries, by which we also recognise a request loop. */
  private static String viaName(String nodeName) {
    if (nodeName != null && VIA_TOKEN.matcher(nodeName).matches()) {
      return nodeName;
    }
    try {
      String h = InetAddress.getLocalHost().getHostName();
      if (VIA_TOKEN.matcher(h).matches()) {
        return h;
      }
    } catch (UnknownHostException e) {
      // fall through
    }
    return "webfilter";
  }

  static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static InetAddress bindAddress(String bind) {
    String b = bind == null || bind.isBlank() ? "0.0.0.0" : bind;
    try {
      return InetAddress.getByName(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("proxy.bind: '" + bind + "' (expected an IP address)", e);
    }
  }

  /** How PAC files name us when the client sent no usable Host header. */
  private static String pacHost(InetSocketAddress bound) {
    if (!bound.getAddress().isAnyLocalAddress()) {
      return PacFile.hostOf(bound);
    }
    try {
      return PacFile.hostOf(new InetSocketAddress(InetAddress.getLocalHost(), 0));
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  /** The address the proxy listens on, with the real port. */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops accepting, closes open connections and stops the proxy's threads. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    resolver.shutdownNow();
    if (interception != null) {
      interception.close();
    }
  }

  /**
   * The school CA certificate (PEM) when TLS interception is on, as served at {@code
   * /webfilter-ca.crt}: for the UI to offer it for download.
   */
  public Optional<String> caCertificatePem() {
    return Optional.ofNullable(interception).map(i -> i.ca.pem());
  }
}
