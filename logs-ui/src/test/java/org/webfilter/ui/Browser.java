package org.webfilter.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Debian Chromium for the browser tests (STACK.md §5), with a fresh profile each time. */
final class Browser {
  private Browser() {}

  static ChromeDriver start(Path tmp) throws IOException {
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--window-size=1200,900", "--no-default-browser-check",
        "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--no-pings", "--disable-breakpad",
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,SafeBrowsing",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile"));
    ChromeDriverService svc = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(svc, o);
  }

  /** Saves a screenshot to {@code target/screenshots/<name>.png}. */
  static void shot(ChromeDriver d, String name) throws IOException {
    Path out = Path.of("target/screenshots");
    Files.createDirectories(out);
    Files.write(out.resolve(name + ".png"), d.getScreenshotAs(OutputType.BYTES));
  }
}
