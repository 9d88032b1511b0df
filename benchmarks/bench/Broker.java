import java.nio.file.Path;
import java.util.List;
import org.webfilter.kafka.embedded.EmbeddedKafka;

/**
 * A Kafka broker on fixed loopback ports, for benchmarking {@code ./webfilter proxy} against an
 * external broker (the same code the all-in-one embeds, in its own JVM). Runs until killed.
 *
 * <pre>java -Xmx512m -cp app/target/webfilter.jar benchmarks/bench/Broker.java DIR PORT CONTROLLER_PORT</pre>
 */
public final class Broker {
  public static void main(String[] args) throws Exception {
    EmbeddedKafka k =
        new EmbeddedKafka(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    k.start();
    k.createTopics(List.of("webfilter.access", "webfilter.alerts", "webfilter.reviews"), 3);
    System.out.println("broker ready " + k.bootstrapServers());
    System.out.flush();
    Thread.currentThread().join();
  }
}
