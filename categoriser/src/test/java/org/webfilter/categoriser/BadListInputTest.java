package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not lists (huge, empty, one endless line, odd line endings) and expressions that
 * would compile to enormous programs: each is reported with its file (and line), and loading goes on.
 * (Binary data, overlong lines among good ones and catastrophic backtracking are in {@link
 * ListFormatsTest}.)
 */
class BadListInputTest {
  @TempDir Path dir;

  @Test
  void hugeFile_isReportedWithoutBeingRead() throws IOException {
    Path f = dir.resolve("domains");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(ListLoader.MAX_FILE_BYTES + 1); // sparse: no disk used, and never read
    }
    ListLoader.Report r = ListLoader.loadDomains(f, "x", Categoriser.builder());
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).toString().matches(".*domains: file of 512 MB is too large.*"), r.problems().toString());
  }

  @Test
  void emptyFile_loadsNothing_andIsNoProblem() throws IOException {
    Path f = Files.createFile(dir.resolve("domains"));
    ListLoader.Report r = ListLoader.loadDomains(f, "x", Categoriser.builder());
    assertEquals(new ListLoader.Report(0, 0, 0, List.of()), r);
  }

  /** A 40-million-character line is skipped as it is read, not held: the loader's memory stays flat. */
  @Test
  void fileThatIsOneEndlessLine_isReported_andTheNextLineStillLoads() throws IOException {
    Path f = dir.resolve("domains");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      char[] chunk = "abcdefgh".repeat(8192).toCharArray();
      for (int i = 0; i < 40_000_000 / chunk.length; i++) {
        w.write(chunk);
      }
      w.write("\nok.example\n");
    }
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadDomains(f, "x", b);
    assertEquals(List.of(new ListProblem(f.toString(), 1, "line longer than 4096 characters")), r.problems());
    assertEquals(1, r.domains());
    assertTrue(b.build().categorise(Target.parse("http://ok.example/")).categories().contains("x"));
  }

  @Test
  void crLfAndBareCrLineEndings_areLineEnds() throws IOException {
    Path f = dir.resolve("domains");
    Files.writeString(f, "a.example\rb.example\r\nc.example\n\nd.example");
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadDomains(f, "x", b);
    assertEquals(4, r.domains(), r.toString());
    assertTrue(r.problems().isEmpty(), r.problems().toString());
  }

  @Test
  void lineOfExactlyTheLimit_isRead_oneMore_isNot() throws IOException {
    Path f = dir.resolve("expressions");
    String limit = "a".repeat(ListLoader.MAX_LINE);
    Files.writeString(f, limit + "\n" + limit + "b\n");
    ListLoader.Report r = ListLoader.loadExpressions(f, "x", Categoriser.builder());
    assertEquals(List.of(2), r.problems().stream().map(ListProblem::line).toList(), r.problems().toString());
  }

  /** RE2/J would spend seconds and then exhaust the heap compiling this; it is refused up front. */
  @Test
  void expressionThatUnrollsToMillionsOfInstructions_isRefusedWithFileAndLine() throws IOException {
    Path f = dir.resolve("expressions");
    Files.write(f, List.of("(/banner/|/sponsor/)", "(((a{1000}){1000}){1000}){1000}", "((a{100}){100}){100}", "x{2,5}y"));
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadExpressions(f, "x", b);
    assertEquals(List.of(2, 3), r.problems().stream().map(ListProblem::line).toList(), r.problems().toString());
    assertTrue(r.problems().get(0).toString().contains("expressions:2: expression too large"), r.problems().toString());
    assertEquals(2, b.build().expressionCount());
  }

  @Test
  void everyRealUt1Expression_isWellUnderTheSizeLimit() throws IOException {
    List<String> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(SharedData.dir().resolve("ut1"), 2)) {
      for (Path p : s.filter(p -> p.getFileName().toString().contains("expression")).toList()) {
        Files.readAllLines(p, StandardCharsets.ISO_8859_1).stream().filter(l -> !l.isBlank()).forEach(all::add);
      }
    }
    assertTrue(all.size() >= 7, all.toString());
    for (String e : all) {
      assertTrue(ExpressionSize.estimate(e.strip()) < ExpressionSize.MAX / 10, e);
    }
  }
}
