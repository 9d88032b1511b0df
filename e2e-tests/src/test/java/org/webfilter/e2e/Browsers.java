package org.webfilter.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Debian Chromium for browser tests, optionally browsing through a proxy. */
final class Browsers {
  private Browsers() {}

  static ChromeDriver chromium(Integer proxyPort) throws IOException {
    return chromium(proxyPort, new String[0]);
  }

  /** As {@link #chromium(Integer)}, with extra command-line switches. */
  static ChromeDriver chromium(Integer proxyPort, String... extraArguments) throws IOException {
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"); // skips Selenium Manager
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--window-size=1200,900", "--no-default-browser-check",
        "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--no-pings", "--disable-breakpad",
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,SafeBrowsing",
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    if (proxyPort != null) {
      // <-loopback> stops Chromium's implicit bypass, so even loopback requests go through the proxy.
      o.addArguments("--proxy-server=http://127.0.0.1:" + proxyPort, "--proxy-bypass-list=<-loopback>");
    }
    o.addArguments(extraArguments);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, o);
  }

  /** Saves a screenshot to {@code target/screenshots/<name>.png}, to look at after a run. */
  static void screenshot(ChromeDriver d, String name) throws IOException {
    java.nio.file.Path out = java.nio.file.Path.of("target/screenshots");
    Files.createDirectories(out);
    Files.write(out.resolve(name + ".png"), d.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
  }
}
