package org.webfilter.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.webfilter.app.Webfilter;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * A pupil's real browser through the proxy, and the DSL's real browser on the logs UI: the block page,
 * an allowed page, and attacker-controlled URLs shown as text with no script run.
 */
class BrowserTest {
  static final String XSS = "/x?a=<script>document.title='pwned'</script>&b=\"><img/src=x/onerror=document.title='pwned2'>";

  @RegisterExtension
  static WireMockExtension origin =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .resetOnEachTest(false).build();

  @TempDir static Path dir;
  static Webfilter webfilter;
  static ChromeDriver pupil;
  static ChromeDriver dsl;

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("data");
    UserStore users = UserStore.open(data.resolve("users.yaml"));
    users.put(new User("dsl", "staff", Set.of(UiRole.DSL), UserStore.hash("dsl-pass-1")));
    users.put(new User("ict", "staff", Set.of(UiRole.ICT), UserStore.hash("ict-pass-1")));
    // Real webmail hosts are HSTS-preloaded: Chromium would only ever CONNECT to them, and a refused
    // tunnel shows the browser's own error page. A plain-HTTP test host shows the block page.
    Path lists = dir.resolve("lists");
    Files.createDirectories(lists.resolve("webmail"));
    Files.write(lists.resolve("webmail/domains"), List.of("webmail-example.test", "penpals.test"));
    webfilter = Webfilter.start(Path.of("../conf/webfilter.yaml"),
        new ConfigOverrides(data, 0, 0, List.of(lists), null, Map.of("www.school-news.test", "127.0.0.1", "class.penpals.test", "127.0.0.1")),
        Webfilter.Parts.ALL, new PrintStream(OutputStream.nullOutputStream()));
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<html><body><h1 id=news>School news</h1></body></html>")));
    pupil = Browsers.chromium(webfilter.proxyAddress().getPort());
    dsl = Browsers.chromium(null);
  }

  @AfterAll
  static void stop() {
    for (WebDriver d : new WebDriver[] {pupil, dsl}) {
      if (d != null) {
        d.quit();
      }
    }
    if (webfilter != null) {
      webfilter.close();
    }
  }

  @Test
  void pupilBrowser_seesBlockPage_forWebmail_andAllowedPage_forNews() {
    pupil.get("http://mail.webmail-example.test/inbox");
    assertEquals("This page is blocked", pupil.findElement(By.tagName("h1")).getText());
    String page = pupil.findElement(By.tagName("main")).getText();
    assertTrue(page.contains("webmail"), page);
    assertTrue(page.contains("pupil.category.webmail"), page);

    pupil.get("http://www.school-news.test:" + origin.getPort() + "/today");
    assertEquals("School news", pupil.findElement(By.id("news")).getText());
  }

  @Test
  void pupilBrowser_cannotReachTheProxysOwnUi() {
    pupil.get(webfilter.uiUrl() + "/login");
    assertFalse(pupil.getPageSource().contains("password"), "the UI must not be reachable through the proxy");
  }

  @Test
  void dslBrowser_showsAttackerControlledUrlsAsText_andRunsNoScript() throws Exception {
    // A raw client sends the URL unencoded, as an attacker would; browsers would percent-encode it.
    rawProxyRequest("GET http://webmail-example.test" + XSS + " HTTP/1.1\r\nHost: webmail-example.test\r\n\r\n");

    dsl.get(webfilter.uiUrl() + "/login");
    dsl.findElement(By.name("username")).sendKeys("dsl");
    dsl.findElement(By.name("password")).sendKeys("dsl-pass-1");
    dsl.findElement(By.cssSelector("form button, form input[type=submit]")).submit();
    new WebDriverWait(dsl, Duration.ofSeconds(10)).withMessage(() -> "after login: " + dsl.getCurrentUrl()
        + "\n" + dsl.findElement(By.tagName("body")).getText()).until(d -> d.getCurrentUrl().contains("/events"));

    String expected = "http://webmail-example.test" + XSS;
    new WebDriverWait(dsl, Duration.ofSeconds(30)).until(d -> {
      d.navigate().refresh();
      return d.findElement(By.tagName("body")).getText().contains(expected);
    });
    assertFalse(dsl.getTitle().contains("pwned"), "a script in the URL ran: " + dsl.getTitle());
    assertThrows(NoAlertPresentException.class, () -> dsl.switchTo().alert());
    assertTrue(dsl.findElements(By.cssSelector("img[src=x]")).isEmpty(), "the URL became markup");
    assertTrue(dsl.findElements(By.xpath("//script[contains(., 'pwned')]")).isEmpty(), "the URL became a script");
  }

  @Test
  void reviewRoundTrip_pupilAsksFromTheBlockPage_ictApproves_pupilGetsThrough() throws Exception {
    String blocked = "http://class.penpals.test:" + origin.getPort() + "/letters";
    pupil.get(blocked);
    assertEquals("This page is blocked", pupil.findElement(By.tagName("h1")).getText());
    pupil.findElement(By.name("reason")).sendKeys("Year 8 French pen-pal letters");
    Browsers.screenshot(pupil, "block-page-review");
    pupil.findElement(By.cssSelector("form button")).click();
    new WebDriverWait(pupil, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class) // the old page until the answer loads
        .until(d -> d.findElement(By.tagName("h1")).getText().equals("Request sent"));

    ChromeDriver ict = Browsers.chromium(null);
    try {
      ict.get(webfilter.uiUrl() + "/login");
      ict.findElement(By.name("username")).sendKeys("ict");
      ict.findElement(By.name("password")).sendKeys("ict-pass-1");
      ict.findElement(By.cssSelector("form button, form input[type=submit]")).submit();
      new WebDriverWait(ict, Duration.ofSeconds(10)).until(d -> !d.getCurrentUrl().contains("/login"));
      // the request travels proxy -> Kafka -> logs UI: poll the queue page
      new WebDriverWait(ict, Duration.ofSeconds(30)).until(d -> {
        d.get(webfilter.uiUrl() + "/reviews");
        return d.findElement(By.tagName("body")).getText().contains("Year 8 French pen-pal letters");
      });
      Browsers.screenshot(ict, "review-queue");
      var card = ict.findElement(By.cssSelector("section.review"));
      assertTrue(card.getText().contains(blocked), card.getText());
      assertEquals("class.penpals.test", card.findElement(By.name("entry")).getAttribute("value"));
      card.findElement(By.cssSelector("form.approve input[name=reason]")).sendKeys("curriculum: French exchange");
      card.findElement(By.cssSelector("form.approve button")).click();
      new WebDriverWait(ict, Duration.ofSeconds(10)).until(d -> d.findElements(By.id("decided")).size() == 1);
    } finally {
      ict.quit();
    }

    // hot reload: the new allow entry reaches the proxy within seconds
    new WebDriverWait(pupil, Duration.ofSeconds(15)).until(d -> {
      d.get(blocked);
      return !d.findElements(By.id("news")).isEmpty();
    });
  }

  static void rawProxyRequest(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", webfilter.proxyAddress().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = in.readNBytes(head, 0, head.length);
      assertEquals("HTTP/1.1 403", new String(head, 0, n, StandardCharsets.ISO_8859_1));
    }
  }
}
