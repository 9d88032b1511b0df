package org.webfilter.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.webfilter.app.Webfilter;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * A pupil's Chromium through the all-in-one with TLS interception on for the pupil role: a blocked
 * HTTPS path shows the real block page (decided on the full URL, inside the tunnel), and an origin
 * whose certificate the proxy cannot verify gets a block page, not its content. The browser does not
 * trust the school CA here, so it is started with {@code --ignore-certificate-errors} (a managed device
 * would have the CA installed).
 */
class InterceptionBrowserTest {
  @RegisterExtension
  static WireMockExtension origin =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"))
          .resetOnEachTest(false)
          .build();

  @TempDir static Path dir;
  static Webfilter webfilter;
  static ChromeDriver pupil;

  @BeforeAll
  static void start() throws Exception {
    HotReloadTest.copyTree(Path.of("../conf"), dir.resolve("conf"));
    Path config = dir.resolve("conf/webfilter.yaml");
    String yaml = Files.readString(config)
        .replace("  pupil:\n    extends: pupil-secondary\n",
            "  pupil:\n    extends: pupil-secondary\n    tls-interception: true\n"
                + "    block: [secure-games.test/play]\n")
        .replace("  port: 3128\n", "  port: 3128\n  connect-ports: [443, " + origin.getHttpsPort() + "]\n");
    assertTrue(yaml.contains("tls-interception: true\n    block: [secure-games.test/play]"), "the test config was edited");
    Files.writeString(config, yaml);
    webfilter = Webfilter.start(config,
        new ConfigOverrides(dir.resolve("data"), 0, 0, List.of(), null, Map.of("secure-games.test", "127.0.0.1")),
        Webfilter.Parts.ALL, new PrintStream(OutputStream.nullOutputStream()));
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<html><body><h1 id=lobby>Game lobby</h1></body></html>")));
    pupil = Browsers.chromium(webfilter.proxyAddress().getPort(), "--ignore-certificate-errors");
  }

  @AfterAll
  static void stop() {
    if (pupil != null) {
      pupil.quit();
    }
    if (webfilter != null) {
      webfilter.close();
    }
  }

  @Test
  void blockedHttpsPath_showsTheRealBlockPage_decidedOnTheFullUrl() throws Exception {
    String base = "https://secure-games.test:" + origin.getHttpsPort();
    pupil.get(base + "/play/level-1");
    assertEquals("This page is blocked", pupil.findElement(By.tagName("h1")).getText());
    String page = pupil.findElement(By.tagName("main")).getText();
    assertTrue(page.contains(base + "/play/level-1"), page);
    assertTrue(page.contains("pupil.block:secure-games.test/play"), page);
    Browsers.screenshot(pupil, "intercepted-block-page");

    // the review form works on an intercepted page too: the proxy answers inside the tunnel
    pupil.findElement(By.name("reason")).sendKeys("coding club uses this game");
    pupil.findElement(By.cssSelector("form button")).click();
    new WebDriverWait(pupil, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class) // the old page until the answer loads
        .until(d -> d.findElement(By.tagName("h1")).getText().equals("Request sent"));
  }

  @Test
  void allowedPathOnAnOriginWithAnUntrustedCertificate_isABlockPage_neverASilentPass() throws Exception {
    // WireMock's HTTPS certificate is self-signed: the proxy verifies upstream certificates itself
    pupil.get("https://secure-games.test:" + origin.getHttpsPort() + "/lobby");
    assertEquals("This page is blocked", pupil.findElement(By.tagName("h1")).getText());
    String page = pupil.findElement(By.tagName("main")).getText();
    assertTrue(page.contains("tls.upstream-certificate-invalid"), page);
    assertTrue(pupil.findElements(By.id("lobby")).isEmpty(), "the origin's page must not be shown");
  }
}
