package org.webfilter.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.Credentials;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Identity;

/**
 * Issue 5 item 4: a proxy login that must be checked against the directory used to block the
 * event loop until the directory answered. With one event loop, another client must now be served
 * while that login is still pending.
 */
class LoginGateTest {
  @RegisterExtension
  static WireMockExtension origin =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final SlowDirectoryPolicy policy = new SlowDirectoryPolicy();
  private static ProxyServer proxy;

  /** {@code dir-user} is checked by a "directory" that answers only when the test says so. */
  static final class SlowDirectoryPolicy extends TestPolicy {
    final LinkedBlockingQueue<CompletableFuture<Identification>> pending =
        new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<Identification> identifyAsync(
        InetAddress client, Credentials credentials) {
      if (credentials != null && credentials.user().equals("dir-user")) {
        CompletableFuture<Identification> f = new CompletableFuture<>();
        pending.add(f);
        return f;
      }
      return super.identifyAsync(client, credentials);
    }

    /** The next pending directory check, waiting for the proxy to ask. */
    CompletableFuture<Identification> nextCheck() throws InterruptedException {
      CompletableFuture<Identification> f = pending.poll(10, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("the proxy never asked the directory");
      }
      return f;
    }
  }

  @BeforeAll
  static void start() {
    proxy =
        ProxyServer.start(
            ProxyServerTest.settings(List.of(Cidr.parse("127.0.0.0/8"))),
            () -> policy,
            new CollectingSink(),
            Clock.systemUTC(),
            Optional.empty(),
            ProxyOptions.defaults(),
            1); // one event loop: a blocked loop would starve the other client
  }

  @BeforeEach
  void stub() {
    origin.stubFor(any(anyUrl()).willReturn(ok("hello from origin"))); // reset before each test
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  private static String get(String path, String login) {
    String auth =
        login == null
            ? ""
            : "Proxy-Authorization: Basic "
                + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8))
                + "\r\n";
    String host = "allowed.test:" + origin.getPort();
    return "GET http://" + host + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + auth + "\r\n";
  }

  @Test
  void pendingDirectoryLogin_doesNotStopOtherClientsOnTheSameEventLoop() throws Exception {
    try (RawHttp slow = new RawHttp(proxy.address());
        RawHttp other = new RawHttp(proxy.address())) {
      // a second request pipelined behind the held one must wait its turn, in order
      slow.write(get("/first", "dir-user:pw") + get("/second", null));
      CompletableFuture<Identification> check = policy.nextCheck();

      RawHttp.Response r = other.send(get("/other", null));
      assertEquals(200, r.status());
      assertFalse(check.isDone(), "served while the directory had not answered");

      check.complete(new Identification.Identified(new Identity("dir-user", "staff", "ldap")));
      assertEquals(200, slow.read().status());
      assertEquals(200, slow.read().status());
    }
  }

  @Test
  void directoryRejectsLogin_gets407() throws Exception {
    try (RawHttp slow = new RawHttp(proxy.address())) {
      slow.write(get("/x", "dir-user:wrong"));
      policy.nextCheck().complete(new Identification.LoginFailed("dir-user"));
      RawHttp.Response r = slow.read();
      assertEquals(407, r.status());
    }
  }

  @Test
  void clientLeavesWhileLoginPending_nothingLeaksAndProxyServesOthers() throws Exception {
    CompletableFuture<Identification> check;
    try (RawHttp slow = new RawHttp(proxy.address())) {
      slow.write(get("/gone", "dir-user:pw") + get("/gone-too", null));
      check = policy.nextCheck();
    }
    check.complete(new Identification.Identified(new Identity("dir-user", "staff", "ldap")));
    try (RawHttp other = new RawHttp(proxy.address())) {
      assertEquals(200, other.send(get("/after", null)).status());
    }
  }
}
