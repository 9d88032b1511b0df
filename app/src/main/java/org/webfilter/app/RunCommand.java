package org.webfilter.app;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run}: the all-in-one. Blocks until Ctrl-C (SIGINT/SIGTERM), then shuts down cleanly. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the proxy, the logs UI and (unless kafka.bootstrap or --kafka is set) an embedded Kafka broker.")
class RunCommand implements Callable<Integer> {
  @Mixin ServerOptions options;

  Webfilter.Parts parts() {
    return Webfilter.Parts.ALL;
  }

  @Override
  public Integer call() throws Exception {
    Webfilter running = Webfilter.start(options.config, options.overrides(), parts(), System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("webfilter stopping ...");
                  running.close();
                  System.out.println("webfilter stopped");
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await(); // Netty's threads are daemons: main must stay alive
    return 0;
  }

  /** {@code proxy}: the proxy alone, publishing to an external Kafka. */
  @Command(name = "proxy", mixinStandardHelpOptions = true,
      description = "Run the proxy alone (needs an external Kafka: kafka.bootstrap or --kafka).")
  static final class ProxyOnly extends RunCommand {
    @Override
    Webfilter.Parts parts() {
      return Webfilter.Parts.PROXY;
    }
  }

  /** {@code ui}: the logs UI alone, consuming from an external Kafka. */
  @Command(name = "ui", mixinStandardHelpOptions = true,
      description = "Run the logs UI alone (needs an external Kafka: kafka.bootstrap or --kafka).")
  static final class UiOnly extends RunCommand {
    @Override
    Webfilter.Parts parts() {
      return Webfilter.Parts.UI;
    }
  }
}
