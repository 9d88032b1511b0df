package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
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
import org.webfilter.policy.Verdict;

/**
 * The ICT manager's flow in headless Debian Chromium: sign in, block a site with a reason, find the
 * change in the history, roll it back. Screenshots go to {@code target/screenshots/}.
 */
class PolicyBrowserTest {
  static final String XSS_REASON = "exam week \"><img src=x onerror=document.title='pwned'>";

  @TempDir Path dir;
  PolicyFixture f;
  ChromeDriver driver;
  WebDriverWait wait;
  String base;

  @BeforeEach
  void start() throws Exception {
    f = new PolicyFixture(dir);
    base = "http://127.0.0.1:" + f.ui.port();
    driver = Browser.start(dir);
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    f.close();
  }

  void shot(String name) throws Exception {
    Browser.shot(driver, name);
  }

  @Test
  void ictManager_blocksSiteWithReason_seesItInHistory_andRollsItBack() throws Exception {
    driver.get(base + "/login");
    driver.findElement(By.name("username")).sendKeys("ict");
    driver.findElement(By.name("password")).sendKeys(TestUsers.PASSWORD);
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.urlToBe(base + "/policy"));
    shot("policy-overview");

    driver.findElement(By.linkText("pupil")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("add-entry")));
    WebElement form = driver.findElement(By.id("add-entry"));
    new Select(form.findElement(By.name("kind"))).selectByValue("block");
    form.findElement(By.name("entry")).sendKeys("news.test");
    form.findElement(By.name("reason")).sendKeys(XSS_REASON);
    form.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.ok"), "Saved as version 1"));
    shot("policy-role-after-block");
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://news.test/"), "the running policy blocks it");
    assertTrue(driver.findElement(By.id("entries")).getText().contains("news.test"));

    driver.findElement(By.linkText("History")).click();
    WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#history tr[data-version='1']")));
    assertTrue(row.getText().contains("+ pupil block news.test"), row.getText());
    assertTrue(row.getText().contains(XSS_REASON), "the reason is shown as text: " + row.getText());
    assertTrue(row.getText().contains("ict"));
    assertEquals("Policy history · webfilter", driver.getTitle(), "no injected script ran");
    shot("policy-history");

    row.findElement(By.name("reason")).sendKeys("blocked the wrong site");
    row.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.ok"), "Restored as version 2"));
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://news.test/"), "the roll-back is in force");
    assertTrue(driver.findElement(By.cssSelector("#history tr[data-version='2']")).getText().contains("- pupil block news.test"));
    shot("policy-history-after-rollback");
  }
}
