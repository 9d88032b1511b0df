package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.webfilter.policy.config.ProxyLimits;

/**
 * The first handler of every client connection, which builds the rest of its pipeline, and the
 * proxy's protection against clients that are broken or hostile rather than merely asking for the
 * wrong site:
 *
 * <ul>
 *   <li>at most {@link ProxyLimits#maxConnectionsPerClient()} connections per client address
 *       (429, closed);
 *   <li>a request head must be complete within {@link ProxyLimits#headerTimeout()} of its first
 *       byte (408, closed): a client trickling headers byte by byte cannot hold a connection;
 *   <li>the request decoder is a strict one with our limits, and a check
 *       right after it answers what must not be forwarded, then closes, because after a bad
 *       message the two ends no longer agree where the next one starts (request smuggling): a too
 *       long request line (414), too large or too many header fields (431), Content-Length
 *       together with Transfer-Encoding, conflicting Content-Lengths, a transfer coding other than
 *       chunked, bad chunking, several or invalid Host headers (400);
 *   <li>behind that check, a {@link LoginGate} holds requests whose proxy login is still being
 *       checked against the directory, so the event loop never waits for it; then the {@link
 *       ClientSession} serves the requests;
 *   <li>the decoder leaves at the end of a request that asks to upgrade, and comes back if the
 *       answer is not a 101 ({@link #decodeAgain}): until then nobody knows whether what follows
 *       is HTTP (see {@link HttpRelay}).
 * </ul>
 *
 * Limits on sizes hold without buffering: bodies stream through chunk by chunk. Requests decrypted
 * in an intercepted tunnel are decoded with the same settings ({@link #decoderConfig}) and get the
 * same checks, head timer ({@link HeadTimer}) and answers ({@link #check}) from the {@link
 * Interceptor}.
 */
final class ClientGuard extends ChannelInboundHandlerAdapter {
  static final String NAME = "webfilter-guard";
  private static final String HEAD_CHECK = "webfilter-head-check";
  private static final String ENCODER = "encoder";
  private static final String DECODER = "decoder";

  private final ProxyLimits limits;
  private final ConnectionLimiter limiter;
  private final Supplier<LoginGate> loginGate;
  private final Supplier<ClientSession> session;
  private InetAddress client;
  private boolean counted;
  private HeadTimer headTimer;

  /**
   * @param loginGate makes this connection's {@link LoginGate}, put right after the checks
   * @param session makes the connection's {@link ClientSession}, the last handler
   */
  ClientGuard(
      ProxyLimits limits,
      ConnectionLimiter limiter,
      Supplier<LoginGate> loginGate,
      Supplier<ClientSession> session) {
    this.limits = limits;
    this.limiter = limiter;
    this.loginGate = loginGate;
    this.session = session;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    counted = limiter.acquire(client);
    headTimer = new HeadTimer(limits, () -> refuse(ctx, TOO_SLOW));
    long idle = limits.idleTimeout().toMillis();
    ctx.pipeline()
        .addAfter(NAME, ENCODER, new HttpResponseEncoder())
        .addAfter(ENCODER, DECODER, new StrictDecoder(limits))
        .addAfter(DECODER, HEAD_CHECK, new HeadCheck())
        .addAfter(HEAD_CHECK, LoginGate.NAME, loginGate.get())
        .addAfter(
            LoginGate.NAME,
            ClientSession.IDLE,
            new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
        .addAfter(ClientSession.IDLE, ClientSession.NAME, session.get());
    ctx.fireChannelActive();
    if (!counted) {
      refuse(ctx, 429, "Too Many Requests", "too many connections from your address\n");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!counted) {
      ReferenceCountUtil.release(msg);
      return;
    }
    headTimer.read(ctx, msg);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    headTimer.stop();
    if (counted) {
      counted = false;
      limiter.release(client);
    }
    ctx.fireChannelInactive();
  }

  /**
   * Writes a complete plain-text response straight to the socket and closes once it is out. The
   * bytes bypass the response encoder, so this is safe whatever state the session is in.
   */
  static void refuse(ChannelHandlerContext ctx, int status, String phrase, String body) {
    refuseAt(ctx.channel().pipeline().firstContext(), status, phrase, body);
  }

  static void refuse(ChannelHandlerContext ctx, Refusal no) {
    refuse(ctx, no.status(), no.phrase(), no.text());
  }

  /** As {@link #refuse}, written from {@code at}: in a tunnel, where it is still encrypted. */
  static void refuseAt(ChannelHandlerContext at, int status, String phrase, String body) {
    if (!at.channel().isActive()) {
      return;
    }
    String text = "webfilter: " + body;
    String response =
        "HTTP/1.1 "
            + status
            + " "
            + phrase
            + "\r\nContent-Type: "
            + Responses.TEXT
            + "\r\nContent-Length: "
            + text.getBytes(StandardCharsets.UTF_8).length
            + "\r\nConnection: close\r\n\r\n"
            + text;
    at.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.UTF_8))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * How every client request is decoded, plain or decrypted in an intercepted tunnel (where {@link
   * Interceptor} gives it to an {@link io.netty.handler.codec.http.HttpServerCodec}).
   */
  static HttpDecoderConfig decoderConfig(ProxyLimits l) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(l.maxRequestLine())
        .setMaxHeaderSize(l.maxHeaderBytes())
        .setMaxChunkSize(16 * 1024)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true)
        // Content-Length with Transfer-Encoding refused also by a decoder that cannot be
        // subclassed like StrictDecoder (HttpServerCodec's): said here, not left to Netty's default
        .setUseRfc9112TransferEncoding(true);
  }

  /** Netty's decoder with our limits, refusing what it would otherwise repair silently. */
  private static final class StrictDecoder extends HttpRequestDecoder {
    StrictDecoder(ProxyLimits l) {
      super(decoderConfig(l));
    }

    /** Netty would drop the Content-Length and go on; RFC 9112 §6.1 lets us refuse instead. */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
    }
  }

  /**
   * The connection stays HTTP after a request that asked to upgrade ({@link #pauseDecoding}): a
   * decoder again, and {@code held}, what the client sent since, through it in order.
   */
  static void decodeAgain(ChannelPipeline p, List<ByteBuf> held) {
    ClientGuard guard = (ClientGuard) p.get(NAME);
    ChannelHandlerContext ctx = p.context(NAME);
    p.addAfter(ENCODER, DECODER, new StrictDecoder(guard.limits));
    guard.headTimer.requestEnded(); // between requests again: the next byte starts the clock
    for (ByteBuf b : held) {
      ctx.fireChannelRead(b);
    }
    ctx.fireChannelReadComplete();
  }

  /** Right after the decoder: sees each decoded request and stops the bad ones. */
  private final class HeadCheck extends ChannelInboundHandlerAdapter {
    private boolean refused;
    /** The request being decoded asked to upgrade. */
    private boolean upgrading;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (refused) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest r) {
        headTimer.stop();
        Refusal no = check(r, limits.maxHeaderCount());
        if (no != null) {
          refused = true;
          ReferenceCountUtil.release(msg);
          refuse(ctx, no);
          return;
        }
        upgrading = HttpRelay.asksUpgrade(r);
      }
      if (msg instanceof HttpContent c && c.decoderResult().isFailure()) {
        refused = true;
        ReferenceCountUtil.release(msg);
        refuse(ctx, BAD_CHUNKING);
        return;
      }
      if (msg instanceof LastHttpContent) {
        headTimer.requestEnded();
        ctx.fireChannelRead(msg);
        if (upgrading) {
          upgrading = false;
          pauseDecoding(ctx);
        }
        return;
      }
      ctx.fireChannelRead(msg);
    }

    /**
     * The end of a request that asked to upgrade: what follows is the new protocol's if the origin
     * answers 101, the next request otherwise. Until the session knows, nothing more is decoded:
     * the decoder leaves, passing on what it had not decoded yet, and bytes go on as they come.
     */
    private void pauseDecoding(ChannelHandlerContext ctx) {
      ChannelPipeline p = ctx.pipeline();
      if (p.get(DECODER) != null) {
        headTimer.hold(); // the wait is the origin's, not a slow head
        p.remove(DECODER);
      }
    }

  }

  /** The answer to a request that must not be forwarded: status, reason phrase, text. */
  record Refusal(int status, String phrase, String text) {}

  static final Refusal TOO_SLOW =
      new Refusal(408, "Request Timeout", "the request head came too slowly\n");

  static final Refusal BAD_CHUNKING =
      new Refusal(400, "Bad Request", "malformed request body (bad chunking)\n");

  /**
   * The checks every decoded client request head gets, plain or in an intercepted tunnel: what it
   * must be answered with instead of being forwarded, or null.
   */
  static Refusal check(HttpRequest r, int maxHeaderCount) {
    String problem = problem(r, maxHeaderCount);
    if (problem == null) {
      return null;
    }
    Throwable cause = r.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      return new Refusal(414, "URI Too Long", "the request line is too long\n");
    } else if (cause instanceof TooLongHttpHeaderException || problem.equals("count")) {
      return new Refusal(431, "Request Header Fields Too Large", "the request head is too large\n");
    }
    return new Refusal(400, "Bad Request", "malformed request (" + problem + ")\n");
  }

  /** What is wrong with the request head, or null. */
  private static String problem(HttpRequest r, int maxHeaderCount) {
    if (r.decoderResult().isFailure()) {
      Throwable c = r.decoderResult().cause();
      return c == null || c.getMessage() == null ? "unparsable" : sanitise(c.getMessage());
    }
    if (r.headers().size() > maxHeaderCount) {
      return "count";
    }
    List<String> hosts = r.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return "several Host headers";
    }
    if (hosts.size() == 1 && !Authority.isValid(hosts.get(0))) {
      return "invalid Host header";
    }
    List<String> te = r.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty() && (te.size() > 1 || !te.get(0).trim().equalsIgnoreCase("chunked"))) {
      return "unsupported Transfer-Encoding";
    }
    return null;
  }

  /** A decoder message for a response body: short, one line, nothing the client sent. */
  private static String sanitise(String message) {
    String m = message.replaceAll("[^A-Za-z -]", " ").trim();
    if (m.contains("Content-Length")) {
      return "conflicting Content-Length or Transfer-Encoding";
    }
    return m.length() > 60 ? m.substring(0, 60) : m;
  }
}
