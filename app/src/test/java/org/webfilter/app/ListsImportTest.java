package org.webfilter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lists import --from URL}: a real UT1-layout tarball (built here from real UT1 folders of the
 * shared data) served over HTTP by WireMock, and the ways an archive or a download goes wrong. After a
 * failure the lists imported before must be exactly as they were.
 */
class ListsImportTest {
  private static final Path UT1 = sharedData().resolve("ut1");

  @RegisterExtension
  static WireMockExtension origin = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void previousImport() throws IOException {
    data = dir.resolve("data");
    Path old = dir.resolve("old");
    Files.createDirectories(old.resolve("gambling"));
    Files.write(old.resolve("gambling/domains"), List.of("old-casino.test"));
    CommandLineTest.Result r = importFrom(old.toString());
    assertEquals(0, r.code(), r.err());
  }

  private CommandLineTest.Result importFrom(String from) {
    return CommandLineTest.run("", "lists", "import", "--from", from, "--config", CommandLineTest.SHIPPED,
        "--data-dir", data.toString());
  }

  private void assertOldListsStay() throws IOException {
    assertEquals("old-casino.test\n", Files.readString(data.resolve("lists/ut1/gambling/domains")));
    try (var s = Files.list(data.resolve("lists"))) {
      assertEquals(List.of("ut1"), s.map(p -> p.getFileName().toString()).toList(), "nothing else appeared");
    }
    try (var s = Files.list(data)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".import")), "scratch folder removed");
    }
  }

  private String serve(byte[] body) {
    origin.stubFor(get("/blacklists.tar.gz").willReturn(ok().withBody(body)));
    return origin.baseUrl() + "/blacklists.tar.gz";
  }

  @Test
  void importFromUrl_realUt1Tarball_loadsMappedFolders_reportsUnknownOnes_skipsLinks() throws IOException {
    Tarball t = new Tarball();
    for (String folder : List.of("gambling", "webmail", "strict_redirector")) {
      for (String file : List.of("domains", "urls", "expressions", "usage")) {
        Path f = UT1.resolve(folder).resolve(file);
        if (Files.isRegularFile(f)) {
          t.file("blacklists/" + folder + "/" + file, Files.readAllBytes(f));
        }
      }
    }
    t.file("blacklists/zz_new_category/domains", "new-thing.test\n".getBytes(StandardCharsets.UTF_8));
    t.file("blacklists/README", new byte[0]);
    t.symlink("blacklists/casino", "gambling");
    String url = serve(t.bytes());

    CommandLineTest.Result r = importFrom(url);
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("downloaded"), r.out());
    assertTrue(r.out().matches("(?s).*gambling\\s+-> gambling\\s+32,2\\d\\d entries.*"), r.out());
    assertTrue(r.out().matches("(?s).*strict_redirector\\s+-> proxy-avoidance.*"), r.out());
    assertTrue(r.out().contains("zz_new_category"), r.out());
    assertTrue(r.out().matches("(?s).*note: 1 folder\\(s\\) are neither in lists.category-map.*zz_new_category.*"), r.out());
    assertTrue(r.out().contains("skipped 1 links or special files"), r.out());
    assertTrue(r.out().contains("reloads them within a few seconds"), r.out());

    Path lists = data.resolve("lists/ut1");
    assertEquals(Files.readString(UT1.resolve("gambling/domains")), Files.readString(lists.resolve("gambling/domains")));
    assertTrue(Files.exists(lists.resolve("strict_redirector/expressions")), "expressions are imported too");
    assertFalse(Files.exists(lists.resolve("casino")), "links are never created");
    assertFalse(Files.exists(lists.resolve("gambling/usage")), "only list files are kept");

    CommandLineTest.Result check = CommandLineTest.run("", "check", "www.0-casino.info", "--role", "pupil",
        "--config", CommandLineTest.SHIPPED, "--data-dir", data.toString());
    assertTrue(check.out().contains("rule       pupil.category.gambling"), check.out());
    CommandLineTest.Result gone = CommandLineTest.run("", "check", "old-casino.test", "--role", "pupil",
        "--config", CommandLineTest.SHIPPED, "--data-dir", data.toString());
    assertFalse(gone.out().contains("pupil.category.gambling"), "the old set was replaced: " + gone.out());
  }

  @Test
  void notFound_failsWithTheStatus_andTheOldListsStay() throws IOException {
    origin.stubFor(get("/missing.tar.gz").willReturn(notFound()));
    CommandLineTest.Result r = importFrom(origin.baseUrl() + "/missing.tar.gz");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("HTTP 404 (expected 200); nothing imported, the old lists stay"), r.err());
    assertOldListsStay();
  }

  @Test
  void truncatedTarball_isNotReadable_andTheOldListsStay() throws IOException {
    Tarball t = new Tarball();
    t.file("blacklists/gambling/domains", Files.readAllBytes(UT1.resolve("gambling/domains")));
    byte[] whole = t.bytes();
    CommandLineTest.Result r = importFrom(serve(Arrays.copyOf(whole, whole.length / 2)));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("download.tar.gz: not a readable .tar.gz"), r.err());
    assertOldListsStay();

    r = importFrom(serve("<html>not a tarball</html>".getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not a readable .tar.gz"), r.err());
    assertOldListsStay();
  }

  @Test
  void traversalEntry_refusesTheWholeArchive_andWritesNothingOutside() throws IOException {
    Tarball t = new Tarball();
    t.file("blacklists/gambling/domains", "casino.test\n".getBytes(StandardCharsets.UTF_8));
    t.file("blacklists/../../../escaped/domains", "evil.test\n".getBytes(StandardCharsets.UTF_8));
    CommandLineTest.Result r = importFrom(serve(t.bytes()));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("entry 'blacklists/../../../escaped/domains': '..' would leave the archive's folder"), r.err());
    assertFalse(Files.exists(dir.resolve("escaped")));
    assertFalse(Files.exists(data.resolve("escaped")));
    assertOldListsStay();
  }

  @Test
  void garbageLine_namesArchiveFileAndLine_andTheOldListsStay() throws IOException {
    Tarball t = new Tarball();
    t.file("blacklists/gambling/domains", "casino.test\nnot a domain\nbet.test\n".getBytes(StandardCharsets.UTF_8));
    CommandLineTest.Result r = importFrom(serve(t.bytes()));
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("blacklists/gambling/domains:2: "), r.err());
    assertTrue(r.out().matches("(?s).*gambling\\s+-> gambling\\s+2 entries, 1 rejected.*"), r.out());
    assertOldListsStay();
  }

  /** 80 MB of zeros gzip to ~80 kB: refused by the unpacked/compressed ratio before it fills a disk. */
  @Test
  void decompressionBomb_isStoppedEarly() throws IOException {
    Tarball t = new Tarball();
    t.file("blacklists/gambling/domains", new byte[80 << 20]);
    CommandLineTest.Result r = importFrom(serve(t.bytes()));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("times its compressed size"), r.err());
    assertOldListsStay();
  }

  @Test
  void archiveWithoutUt1Folders_isRefused() throws IOException {
    Tarball t = new Tarball();
    t.file("something/else.txt", "hello".getBytes(StandardCharsets.UTF_8));
    CommandLineTest.Result r = importFrom(serve(t.bytes()));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("no UT1 lists in the archive"), r.err());
    assertOldListsStay();
  }

  @Test
  void connectionReset_failsCleanly() throws IOException {
    origin.stubFor(get("/reset.tar.gz").willReturn(aResponse().withFault(
        com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
    CommandLineTest.Result r = importFrom(origin.baseUrl() + "/reset.tar.gz");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("GET " + origin.baseUrl() + "/reset.tar.gz: "), r.err());
    assertOldListsStay();
  }

  /** Builds a {@code .tar.gz} in memory, entry names taken as given (even hostile ones). */
  static final class Tarball {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    Tarball() throws IOException {
      tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes));
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    void file(String name, byte[] content) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, true); // preserve the name as written, '..' and all
      e.setSize(content.length);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    }

    void symlink(String name, String target) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    byte[] bytes() throws IOException {
      tar.close();
      return bytes.toByteArray();
    }
  }

  private static Path sharedData() {
    String env = System.getenv("WEBFILTER_SHARED_DATA");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of("../../shared/data");
  }
}
