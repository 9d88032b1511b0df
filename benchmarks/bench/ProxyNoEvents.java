import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.webfilter.policy.PolicyHolder;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.proxy.ProxyOptions;
import org.webfilter.proxy.ProxyServer;

/**
 * The proxy exactly as {@code ./webfilter proxy} wires it (same configuration, lists, policy and
 * options) but with access events thrown away: the "events off" side of the events-on/off comparison
 * in proxy-load.sh. Not a product mode: a school's proxy always publishes its events. Runs until killed.
 *
 * <pre>java -Xmx512m -cp app/target/webfilter.jar benchmarks/bench/ProxyNoEvents.java CONFIG DATA_DIR PORT LIST_ROOT...</pre>
 */
public final class ProxyNoEvents {
  public static void main(String[] args) throws Exception {
    List<Path> lists = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      lists.add(Path.of(args[i]));
    }
    ConfigOverrides overrides = new ConfigOverrides(Path.of(args[1]), Integer.parseInt(args[2]), 0, lists, null,
        Map.of("origin.test", "127.0.0.1"));
    PolicyLoader.Loaded loaded = PolicyLoader.load(Path.of(args[0]), overrides);
    PolicyHolder policy = new PolicyHolder(loaded.policy());
    ProxyOptions options = ProxyOptions.defaults()
        .withConnectPorts(loaded.config().proxy().connectPorts())
        .withLimits(loaded.config().proxy().limits())
        .withUpstream(loaded.config().proxy().upstream())
        .withRestrictRole(role -> policy.get().role(role)
            .map(r -> r.blockedCategories().contains("proxy-avoidance")).orElse(true))
        .withSafeSearchRole(role -> policy.get().role(role).map(RoleSettings::safeSearch).orElse(true));
    ProxyServer proxy = ProxyServer.start(loaded.config().proxy(), policy, event -> {}, Clock.systemUTC(),
        Optional.empty(), options);
    System.out.println("webfilter ready proxy=" + proxy.address() + " (events off)");
    System.out.flush();
    Thread.currentThread().join();
  }
}
