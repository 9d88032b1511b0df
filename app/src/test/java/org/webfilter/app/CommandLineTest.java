package org.webfilter.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.UserStore;

/** The CLI as an operator uses it: exit codes, output, and the files it writes. */
class CommandLineTest {
  static final String SHIPPED = "../conf/webfilter.yaml";

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static synchronized Result run(String stdin, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      int code = Main.execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
  }

  @Test
  void check_json_printsDecisionRuleAndTrace() throws Exception {
    Result r = run("", "check", "http://gmail.com/inbox", "--role", "pupil", "--json",
        "--config", SHIPPED, "--data-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("BLOCK", j.get("decision").asText());
    assertEquals("pupil.category.webmail", j.get("rule").asText());
    assertEquals("webmail", j.get("categories").get(0).asText());
    assertTrue(j.get("trace").size() >= 3, r.out());
  }

  @Test
  void check_text_forStaff_allowsWebmail_andByIpUsesNetworks() {
    Result staff = run("", "check", "gmail.com", "--role", "staff", "--config", SHIPPED, "--data-dir", dir.toString());
    assertEquals(0, staff.code(), staff.err());
    assertTrue(staff.out().contains("decision   ALLOW"), staff.out());
    Result loopback = run("", "check", "gmail.com", "--ip", "127.0.0.1", "--config", SHIPPED, "--data-dir", dir.toString());
    assertTrue(loopback.out().contains("role       pupil (network 127.0.0.0/8)"), loopback.out());
    assertTrue(loopback.out().contains("decision   BLOCK"), loopback.out());
  }

  @Test
  void check_unknownRole_orBadTime_exits2() {
    assertEquals(2, run("", "check", "gmail.com", "--role", "nobody", "--config", SHIPPED, "--data-dir", dir.toString()).code());
    Result bad = run("", "check", "gmail.com", "--at", "yesterday", "--config", SHIPPED, "--data-dir", dir.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--at yesterday"), bad.err());
  }

  @Test
  void configValidate_shippedConfig_isOk() {
    Result r = run("", "config", "validate", "--config", SHIPPED, "--data-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("configuration OK"), r.out());
  }

  @Test
  void configValidate_brokenConfigAndList_printsEveryErrorWithFileAndLine_exits2() throws IOException {
    Path lists = dir.resolve("lists/adult");
    Files.createDirectories(lists);
    Files.write(lists.resolve("domains"), List.of("good.test", "not a host"));
    Path conf = dir.resolve("webfilter.yaml");
    Files.write(conf, List.of(
        "lists: {roots: [lists]}",
        "proxy: {port: 99999}",
        "roles:",
        "  pupil: {block-categories: [adult, nonsense]}"));
    Result r = run("", "config", "validate", "--config", conf.toString(), "--data-dir", dir.resolve("d").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(conf + ":2: proxy.port: 99999"), r.err());
    assertTrue(r.err().contains(conf + ":4: roles.pupil.block-categories[1]: unknown category 'nonsense'"), r.err());

    Files.write(conf, List.of("lists: {roots: [lists]}", "roles: {pupil: {block-categories: [adult]}}"));
    Result list = run("", "config", "validate", "--config", conf.toString(), "--data-dir", dir.resolve("d").toString());
    assertEquals(2, list.code());
    assertTrue(list.err().contains("adult/domains:2: not a host name: 'not a host'"), list.err());
  }

  @Test
  void usersAdd_readsPasswordFromStdin_andStoresABcryptHash() {
    Result r = run("correct horse battery\n", "users", "add", "j.smith", "--role", "staff", "--ui-role", "dsl",
        "--config", SHIPPED, "--data-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    UserStore users = UserStore.open(dir.resolve("users.yaml"));
    assertTrue(users.find("j.smith").orElseThrow().passwordHash().startsWith("$2"));
    assertTrue(users.find("j.smith").orElseThrow().hasUiRole(UiRole.DSL));
    assertTrue(users.authenticate("j.smith", "correct horse battery").isPresent());
    assertTrue(users.authenticate("j.smith", "wrong").isEmpty());

    assertEquals(2, run("short\n", "users", "add", "x", "--role", "staff", "--config", SHIPPED, "--data-dir", dir.toString()).code());
    assertEquals(2, run("long enough pw\n", "users", "add", "x", "--role", "ghost", "--config", SHIPPED, "--data-dir", dir.toString()).code());
  }

  @Test
  void listsImport_validatesCopiesAndIsLoadedOnTheNextStart() throws IOException {
    Path src = dir.resolve("ut1");
    Files.createDirectories(src.resolve("gambling"));
    Files.write(src.resolve("gambling/domains"), List.of("casino.test"));
    Path data = dir.resolve("data");
    Result r = run("", "lists", "import", "--from", src.toString(), "--config", SHIPPED, "--data-dir", data.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(data.resolve("lists/ut1/gambling/domains")));
    Result check = run("", "check", "www.casino.test", "--role", "pupil", "--config", SHIPPED, "--data-dir", data.toString());
    assertTrue(check.out().contains("rule       pupil.category.gambling"), check.out());

    Files.write(src.resolve("gambling/domains"), List.of("casino.test", "bad entry"));
    Result bad = run("", "lists", "import", "--from", src.toString(), "--config", SHIPPED, "--data-dir", data.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("gambling/domains:2"), bad.err());
    assertTrue(Files.readString(data.resolve("lists/ut1/gambling/domains")).equals("casino.test\n"), "old lists stay");
  }

  @Test
  void help_isAvailableForEveryCommand() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"run", "--help"}, new String[] {"check", "--help"},
        new String[] {"users", "add", "--help"}, new String[] {"lists", "import", "--help"}, new String[] {"config", "validate", "--help"})) {
      Result r = run("", args);
      assertEquals(0, r.code(), String.join(" ", args));
      assertTrue(r.out().contains("Usage:"), r.out());
    }
  }
}
