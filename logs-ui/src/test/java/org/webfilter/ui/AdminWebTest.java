package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User management and the audit page (admin), and changing one's own password (everyone). */
class AdminWebTest {
  static final String ADMIN = Http.basic("admin", TestUsers.PASSWORD);
  static final String NEW_PASSWORD = "a much longer secret";

  @TempDir java.nio.file.Path dir;
  PolicyFixture f;
  Http http;

  @BeforeEach
  void start() throws Exception {
    f = new PolicyFixture(dir);
    http = f.http;
  }

  @AfterEach
  void stop() {
    f.close();
  }

  HttpResponse<String> postJson(String path, String body, String auth) {
    return http.send(http.request(path).header("Content-Type", "application/json").header("Authorization", auth)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void addUser_canSignIn_withTheGivenUiRole_andIsAudited() throws Exception {
    HttpResponse<String> r = postJson("/api/users",
        "{\"name\":\"j.smith\",\"role\":\"staff\",\"uiRoles\":[\"dsl\"],\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN);
    assertEquals(200, r.statusCode(), r.body());
    String js = Http.basic("j.smith", NEW_PASSWORD);
    assertEquals(200, http.get("/api/events", "Authorization", js).statusCode());
    assertEquals(403, http.get("/api/policy", "Authorization", js).statusCode());
    assertTrue(f.audit().contains("\"action\":\"user.add\""));
  }

  @Test
  void addUser_badInput_is400or409_andNeedsAdmin() {
    assertEquals(400, postJson("/api/users", "{\"name\":\"x\",\"role\":\"nobody\",\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN).statusCode());
    assertEquals(400, postJson("/api/users", "{\"name\":\"x\",\"role\":\"staff\",\"password\":\"short\"}", ADMIN).statusCode());
    assertEquals(400, postJson("/api/users", "{\"name\":\"x y\",\"role\":\"staff\",\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN).statusCode());
    assertEquals(400, postJson("/api/users", "{\"name\":\"x\",\"role\":\"staff\",\"uiRoles\":[\"root\"],\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN).statusCode());
    assertEquals(409, postJson("/api/users", "{\"name\":\"dsl\",\"role\":\"staff\",\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN).statusCode());
    assertEquals(403, postJson("/api/users", "{\"name\":\"x\",\"role\":\"staff\",\"password\":\"" + NEW_PASSWORD + "\"}",
        Http.basic("ict", TestUsers.PASSWORD)).statusCode());
    assertEquals(401, http.get("/api/users").statusCode());
  }

  @Test
  void setRoles_givesIctAccess_butAdminCannotDemoteThemself() {
    assertEquals(200, postJson("/api/users/dsl/roles", "{\"role\":\"staff\",\"uiRoles\":[\"dsl\",\"ict\"]}", ADMIN).statusCode());
    assertEquals(200, http.get("/api/policy", "Authorization", Http.basic("dsl", TestUsers.PASSWORD)).statusCode());
    assertEquals(400, postJson("/api/users/admin/roles", "{\"role\":\"staff\",\"uiRoles\":[\"dsl\"]}", ADMIN).statusCode());
    assertEquals(404, postJson("/api/users/ghost/roles", "{\"role\":\"staff\"}", ADMIN).statusCode());
  }

  @Test
  void resetPassword_replacesTheOldOne_andEndsTheirSessions() {
    String cookie = LoginHelper.login(http, "dsl");
    assertEquals(200, postJson("/api/users/dsl/password", "{\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN).statusCode());
    assertEquals(401, http.get("/api/events", "Authorization", Http.basic("dsl", TestUsers.PASSWORD)).statusCode());
    assertEquals(200, http.get("/api/events", "Authorization", Http.basic("dsl", NEW_PASSWORD)).statusCode());
    assertEquals(303, http.get("/events", "Cookie", cookie).statusCode(), "old session ended");
  }

  @Test
  void changeOwnPassword_needsCurrentPasswordAndCsrf() {
    String cookie = LoginHelper.login(http, "ict");
    HttpResponse<String> page = http.get("/password", "Cookie", cookie);
    assertEquals(200, page.statusCode());
    String csrf = LoginHelper.csrfOf(page.body());
    String good = Http.form(Map.of("current", TestUsers.PASSWORD, "password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
    assertEquals(403, http.post("/password", good, "Cookie", cookie).statusCode());
    HttpResponse<String> wrong = http.post("/password",
        Http.form(Map.of("current", "nope", "password", NEW_PASSWORD, "confirm", NEW_PASSWORD, "csrf", csrf)), "Cookie", cookie);
    assertEquals(400, wrong.statusCode());
    assertTrue(wrong.body().contains("wrong password"));
    HttpResponse<String> mismatch = http.post("/password",
        Http.form(Map.of("current", TestUsers.PASSWORD, "password", NEW_PASSWORD, "confirm", "other one!!", "csrf", csrf)), "Cookie", cookie);
    assertEquals(400, mismatch.statusCode());
    HttpResponse<String> ok = http.post("/password", good + "&csrf=" + csrf, "Cookie", cookie);
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("Password changed"));
    assertEquals(200, http.get("/policy", "Cookie", cookie).statusCode(), "this session stays");
    assertEquals(200, http.get("/api/policy", "Authorization", Http.basic("ict", NEW_PASSWORD)).statusCode());
  }

  @Test
  void auditPage_isAdminOnly_andShowsEntriesAsText() {
    postJson("/api/users", "{\"name\":\"<b>eve</b>\",\"role\":\"staff\",\"password\":\"" + NEW_PASSWORD + "\"}", ADMIN);
    LoginHelper.login(http, "dsl");
    assertEquals(403, http.get("/admin/audit", "Authorization", Http.basic("dsl", TestUsers.PASSWORD)).statusCode());
    HttpResponse<String> r = http.get("/admin/audit", "Authorization", ADMIN);
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("session.login"));
    assertFalse(r.body().contains("<b>eve</b>"));
  }

  @Test
  void usersPage_addsUserThroughTheForm() {
    String cookie = LoginHelper.login(http, "admin");
    HttpResponse<String> page = http.get("/admin/users", "Cookie", cookie);
    assertEquals(200, page.statusCode());
    String form = Http.form(Map.of("name", "k.jones", "role", "staff", "uiRoles", "ict", "password", NEW_PASSWORD,
        "csrf", LoginHelper.csrfOf(page.body())));
    HttpResponse<String> r = http.post("/admin/users", form, "Cookie", cookie);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("User added") && r.body().contains("k.jones"));
    assertEquals(200, http.get("/api/policy", "Authorization", Http.basic("k.jones", NEW_PASSWORD)).statusCode());
  }
}
