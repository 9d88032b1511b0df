package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.webfilter.ui.TestEvents.T0;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.AlertEvent;
import org.webfilter.policy.config.UiSettings;

/** The DSL in headless Chromium: open an alert, see the context, close it with an outcome; the reports. */
class DslBrowserTest {
  static final String XSS = "\"><img src=x onerror=document.title='pwned'>";

  @TempDir Path dir;
  LogsUi ui;
  ChromeDriver driver;
  String base;
  AlertEvent alert;

  @BeforeEach
  void start() throws Exception {
    Path dataDir = dir.resolve("data");
    java.util.List<AccessEvent> events = new java.util.ArrayList<>();
    String[] cats = {"self-harm", "games", "gambling", "adult", "chat"};
    for (int i = 0; i < 60; i++) {
      events.add(
          TestEvents.event(
              UUID.randomUUID(),
              T0.minusSeconds(86_400L * (i % 7) + i * 60L),
              i % 3 == 0 ? "alice" : "bob",
              "pupil",
              "10.0.0.5",
              "site" + (i % 4) + ".test",
              "https://site" + (i % 4) + ".test/" + i,
              i % 5 == 0 ? "search " + XSS : null,
              i % 4 == 0 ? Verdict.LOG : Verdict.BLOCK,
              cats[i % cats.length]));
    }
    AccessEvent trigger =
        TestEvents.event(
            UUID.randomUUID(),
            T0,
            "alice",
            "pupil",
            "10.0.0.5",
            "harm.test",
            "https://harm.test/" + XSS,
            null,
            Verdict.BLOCK,
            "self-harm");
    events.add(trigger);
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(events);
      store.commit();
    }
    alert = AlertEvent.of(AlertEvent.Severity.HIGH, "self-harm", trigger);
    java.nio.file.Files.createDirectories(dataDir);
    new AlertStore(dataDir.resolve("alerts.jsonl")).add(List.of(alert));
    ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0),
            null,
            dataDir,
            TestUsers.store(),
            new MutableClock(T0.plusSeconds(3600)));
    base = "http://127.0.0.1:" + ui.port();
    driver = Browser.start(dir);
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    ui.close();
  }

  @Test
  void dsl_opensAlert_seesContext_andClosesItWithAnOutcome() throws Exception {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    driver.get(base + "/login");
    driver.findElement(By.name("username")).sendKeys("dsl");
    driver.findElement(By.name("password")).sendKeys(TestUsers.PASSWORD);
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/events"));

    driver.findElement(By.linkText("Alerts")).click();
    WebElement row =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#alerts tr[data-id='" + alert.eventId() + "']")));
    assertTrue(row.getText().contains("https://harm.test/" + XSS), row.getText());
    Browser.shot(driver, "alerts-inbox");
    row.findElement(By.linkText("Open")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("context")));
    assertTrue(
        driver.findElement(By.cssSelector("#context tr.focus")).getText().contains("harm.test"));
    assertEquals("Alert · webfilter", driver.getTitle(), "no injected script ran");
    new Select(driver.findElement(By.name("outcome"))).selectByValue("referred");
    driver.findElement(By.name("note")).sendKeys("Spoke to alice, referred to the school nurse.");
    Browser.shot(driver, "alert-open");
    driver.findElement(By.cssSelector("#ack button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("p.ok"), "Closed: Referred"));
    assertTrue(driver.findElement(By.id("outcome")).getText().contains("school nurse"));

    // From the alert to the pupil's whole timeline, then widen the window with the form.
    driver.findElement(By.id("full-timeline")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("timeline")));
    assertTrue(
        driver.findElement(By.cssSelector("#timeline tr.focus")).getText().contains("harm.test"));
    assertTrue(
        driver.findElement(By.cssSelector("#timeline tr.moment")).getText().contains("the moment"));
    assertEquals("Timeline · webfilter", driver.getTitle(), "no injected script ran");
    Browser.shot(driver, "timeline");
    new Select(driver.findElement(By.name("minutes"))).selectByValue("240");
    driver.findElement(By.cssSelector("#timeline-form button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("window"), "240 minutes either side"));
    assertTrue(driver.findElement(By.cssSelector("#timeline tr.focus")).isDisplayed());

    // From an event row on the search page to its timeline; the export button carries the filters.
    driver.get(base + "/events?user=bob&category=games");
    WebElement export =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("export-csv")));
    assertEquals(base + "/api/events.csv?user=bob&category=games", export.getAttribute("href"));
    Browser.shot(driver, "events-search");
    driver.findElement(By.cssSelector("table.events tbody tr a[href^='/timeline']")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline tr.focus")));
    assertTrue(driver.getTitle().startsWith("Timeline"));

    driver.get(base + "/reports?from=2026-11-17&to=2026-11-24&category=self-harm&user=alice");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("chart-blocks")));
    assertTrue(driver.findElement(By.id("pupil")).getText().contains("alice"));
    Browser.shot(driver, "reports");
  }
}
