package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.policy.Verdict;
import org.webfilter.policy.config.PolicyEdits;

/** Explain, policy read/edit, history and roll-back through real HTTP against a real configuration. */
class PolicyWebTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ICT = Http.basic("ict", TestUsers.PASSWORD);
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);
  static final String ADMIN = Http.basic("admin", TestUsers.PASSWORD);

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

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  HttpResponse<String> sendJson(String method, String path, String body, String auth) {
    return http.send(http.request(path).header("Content-Type", "application/json").header("Authorization", auth)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void explain_blockedCategory_givesDecisionRuleCategoriesAndTraceEndingInDecided() throws Exception {
    HttpResponse<String> r = http.get("/api/explain?url=" + q("http://www.games.test/x") + "&role=pupil", "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = json(r);
    assertEquals("BLOCK", j.get("decision").asText());
    assertEquals("pupil.category.games", j.get("rule").asText());
    assertEquals("games", j.get("categories").get(0).asText());
    assertTrue(j.get("trace").size() >= 2, r.body());
    boolean decided = false;
    for (JsonNode line : j.get("trace")) {
      decided |= line.asText().endsWith(": decided");
    }
    assertTrue(decided, r.body());
    assertFalse(j.get("reason").asText().isBlank());
  }

  @Test
  void explain_byUser_usesTheUsersRole() throws Exception {
    // TestUsers: "pupil" has policy role pupil
    JsonNode j = json(http.get("/api/explain?url=" + q("games.test") + "&user=pupil", "Authorization", ICT));
    assertEquals("pupil", j.get("role").asText());
    assertEquals("BLOCK", j.get("decision").asText());
  }

  @ParameterizedTest
  @CsvSource({
    "/api/explain?role=pupil, url",
    "/api/explain?url=games.test, role",
    "/api/explain?url=games.test&role=nobody, unknown role",
    "/api/explain?url=ftp://x.test/&role=pupil, unsupported scheme",
    "/api/explain?url=games.test&role=pupil&bogus=1, unknown parameter"
  })
  void explain_badParameters_are400WithAMessage(String path, String expected) throws Exception {
    HttpResponse<String> r = http.get(path, "Authorization", ICT);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(json(r).get("error").asText().contains(expected), r.body());
  }

  @Test
  void explain_withoutCredentials_is401() {
    assertEquals(401, http.get("/api/explain?url=games.test&role=pupil").statusCode());
  }

  @Test
  void explainPage_showsDecisionAndTraceAsText() {
    String cookie = LoginHelper.login(http, "dsl");
    HttpResponse<String> r = http.get("/explain?url=" + q("http://games.test/<b>x</b>") + "&role=pupil", "Cookie", cookie);
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("pupil.category.games"));
    assertTrue(r.body().contains("&lt;b&gt;x&lt;/b&gt;"), "the URL is escaped");
    assertFalse(r.body().contains("<b>x</b>"));
  }

  @ParameterizedTest
  @CsvSource({"GET, /api/policy", "GET, /api/policy/history", "GET, /api/review-requests", "GET, /policy", "GET, /reviews"})
  void policyEndpoints_dslUser_is403(String method, String path) {
    assertEquals(403, http.get(path, "Authorization", DSL).statusCode(), path);
  }

  @Test
  void policyEndpoints_withoutCredentials_are401() {
    assertEquals(401, http.get("/api/policy").statusCode());
    assertEquals(401, http.send(http.request("/api/policy/roles/pupil").header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"reason\":\"x\"}")).build()).statusCode());
    assertEquals(401, http.post("/api/lists/pupil/allow", "entry=x.test&reason=r").statusCode());
  }

  @Test
  void policyApi_showsRolesWithWhereEachSettingCameFrom() throws Exception {
    JsonNode j = json(http.get("/api/policy", "Authorization", ICT));
    JsonNode pupil = null;
    for (JsonNode r : j.get("roles")) {
      if (r.get("name").asText().equals("pupil")) {
        pupil = r;
      }
    }
    assertEquals("base", pupil.get("parent").asText());
    assertEquals("inherited from base", pupil.get("blockedCategories").get(0).get("source").asText());
    assertEquals("hand.test", pupil.get("block").get(0).get("entry").asText());
    assertTrue(pupil.get("block").get(0).get("source").asText().endsWith("webfilter.yaml:7"), j.toString());
  }

  @Test
  void addAllowEntry_takesEffectAtOnce_isVersionedWithDiff_andAudited() throws Exception {
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://games.test/"));
    HttpResponse<String> r = sendJson("POST", "/api/lists/pupil/allow",
        "{\"entry\":\"games.test\",\"reason\":\"maths games for year 7\"}", ICT);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, json(r).get("version").asInt());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://games.test/"));
    assertEquals(Verdict.BLOCK, f.decide("base", "http://games.test/"), "the parent role is untouched");
    assertTrue(Files.readString(PolicyEdits.file(f.dataDir)).contains("maths games for year 7"));
    assertFalse(Files.readString(f.configFile).contains("games.test"), "the operator's YAML is not rewritten");

    JsonNode v = json(http.get("/api/policy/history", "Authorization", ICT)).get("versions").get(0);
    assertEquals("ict", v.get("author").asText());
    assertEquals("maths games for year 7", v.get("reason").asText());
    assertTrue(v.get("diff").get(0).asText().startsWith("+ pupil allow games.test"), v.toString());
    assertTrue(f.audit().contains("\"action\":\"policy.allow.add\""), f.audit());

    JsonNode pupil = json(http.get("/api/policy", "Authorization", ICT)).get("roles");
    assertTrue(pupil.toString().contains("\"source\":\"ui-edit\""), pupil.toString());
  }

  @Test
  void removeHandWrittenBlockEntry_masksItWithoutTouchingTheYaml() throws Exception {
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://hand.test/"));
    HttpResponse<String> r = sendJson("POST", "/api/lists/pupil/block",
        "{\"entry\":\"hand.test\",\"reason\":\"not needed\",\"action\":\"remove\"}", ICT);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://hand.test/"));
    assertTrue(Files.readString(f.configFile).contains("hand.test"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"entry\":\"games.test\"}| reason",
    "{\"entry\":\"a.bad.test\",\"reason\":\"x\"}| illegal",
    "{\"entry\":\"not a host\",\"reason\":\"x\"}| not a domain",
    "{\"reason\":\"x\"}| entry",
    "{\"entry\":\"games.test\",\"reason\":\"x\",\"days\":\"400\"}| days"
  })
  void invalidListEdit_is400WithMessage_andOldPolicyStays(String body, String expected) throws Exception {
    var before = f.holder.get();
    HttpResponse<String> r = sendJson("POST", "/api/lists/pupil/allow", body, ICT);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(json(r).get("error").asText().contains(expected), r.body());
    assertTrue(before == f.holder.get(), "the policy in force was not replaced");
    assertFalse(Files.exists(PolicyEdits.file(f.dataDir)), "nothing written");
    assertEquals(0, json(http.get("/api/policy/history", "Authorization", ICT)).get("versions").size());
  }

  @Test
  void sameEntryInAllowAndBlock_isReplacedNotDuplicated() throws Exception {
    assertEquals(200, sendJson("POST", "/api/lists/pupil/block", "{\"entry\":\"x.test\",\"reason\":\"a\"}", ICT).statusCode());
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://x.test/"));
    assertEquals(200, sendJson("POST", "/api/lists/pupil/allow", "{\"entry\":\"x.test\",\"reason\":\"b\"}", ICT).statusCode());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://x.test/"));
    String edits = Files.readString(PolicyEdits.file(f.dataDir));
    assertEquals(1, edits.split("entry: x.test", -1).length - 1, edits);
  }

  @Test
  void putRole_setsBlockedAndLogOnlyCategories() throws Exception {
    HttpResponse<String> r = sendJson("PUT", "/api/policy/roles/pupil",
        "{\"blockedCategories\":[\"illegal\",\"chat\"],\"logOnlyCategories\":[\"games\"],\"reason\":\"term 2\"}", ICT);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(Verdict.LOG, f.decide("pupil", "http://games.test/"));
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://chat.test/"));
    assertEquals(Verdict.BLOCK, f.decide("base", "http://games.test/"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"blockedCategories\":[\"illegal\",\"nope\"],\"reason\":\"x\"}| unknown category 'nope'",
    "{\"blockedCategories\":[],\"reason\":\"x\"}| 'illegal' is always blocked",
    "{\"blockedCategories\":[\"illegal\"]}| reason"
  })
  void putRole_invalid_is400_andOldPolicyStays(String body, String expected) throws Exception {
    var before = f.holder.get();
    HttpResponse<String> r = sendJson("PUT", "/api/policy/roles/pupil", body, ICT);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(json(r).get("error").asText().contains(expected), r.body());
    assertTrue(before == f.holder.get());
  }

  @Test
  void putRole_unknownRole_is404() {
    assertEquals(404, sendJson("PUT", "/api/policy/roles/ghost", "{\"reason\":\"x\"}", ICT).statusCode());
  }

  @Test
  void rollback_restoresAnEarlierVersion_asANewVersion() throws Exception {
    sendJson("POST", "/api/lists/pupil/allow", "{\"entry\":\"games.test\",\"reason\":\"one\"}", ICT);
    sendJson("POST", "/api/lists/pupil/block", "{\"entry\":\"news.test\",\"reason\":\"two\"}", ADMIN);
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://news.test/"));
    HttpResponse<String> r = sendJson("POST", "/api/policy/rollback", "{\"version\":\"1\",\"reason\":\"too strict\"}", ICT);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(3, json(r).get("version").asInt());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://news.test/"));
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://games.test/"));
    sendJson("POST", "/api/policy/rollback", "{\"version\":\"0\",\"reason\":\"start again\"}", ICT);
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://games.test/"));
    assertTrue(f.audit().contains("\"action\":\"policy.rollback\""));
    assertEquals(404, sendJson("POST", "/api/policy/rollback", "{\"version\":\"99\",\"reason\":\"x\"}", ICT).statusCode());
  }

  @Test
  void browserForm_withoutCsrfToken_is403_andWithIt_changesPolicy() throws Exception {
    String cookie = LoginHelper.login(http, "ict");
    String form = Http.form(Map.of("action", "add", "kind", "block", "entry", "news.test", "reason", "r"));
    assertEquals(403, http.post("/policy/roles/pupil/entries", form, "Cookie", cookie).statusCode());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://news.test/"));
    String csrf = LoginHelper.csrfOf(http.get("/policy/roles/pupil", "Cookie", cookie).body());
    HttpResponse<String> ok = http.post("/policy/roles/pupil/entries", form + "&csrf=" + q(csrf), "Cookie", cookie);
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("Saved as version 1"));
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://news.test/"));
  }

  @Test
  void browserForm_invalidEntry_showsTheMessageOnThePage() {
    String cookie = LoginHelper.login(http, "ict");
    String csrf = LoginHelper.csrfOf(http.get("/policy/roles/pupil", "Cookie", cookie).body());
    HttpResponse<String> r = http.post("/policy/roles/pupil/entries",
        Http.form(Map.of("action", "add", "kind", "allow", "entry", "bad.test", "reason", "<script>x</script>", "csrf", csrf)), "Cookie", cookie);
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("illegal"), r.body());
  }

  @Test
  void crossOriginPost_toPolicy_isRefused() {
    HttpResponse<String> r = http.send(http.request("/api/lists/pupil/block").header("Authorization", ICT)
        .header("Origin", "http://evil.test").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"entry\":\"x.test\",\"reason\":\"r\"}")).build());
    assertEquals(403, r.statusCode());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://x.test/"));
  }
}
