package clusternode.node.config;

import clusternode.protocols.spi.ProtocolProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The protocols this build knows, found with {@link ServiceLoader} on the class path. */
public final class ProtocolCatalog {
  private final Map<String, ProtocolProvider> providers;

  public ProtocolCatalog(List<ProtocolProvider> providers) {
    Map<String, ProtocolProvider> byName = new TreeMap<>();
    for (ProtocolProvider p : providers) {
      ProtocolProvider previous = byName.put(p.name(), p);
      if (previous != null) {
        throw new IllegalStateException("two providers of protocol " + p.name() + ": " + previous.getClass().getName()
            + " and " + p.getClass().getName());
      }
    }
    this.providers = byName;
  }

  public static ProtocolCatalog discover() {
    return new ProtocolCatalog(ServiceLoader.load(ProtocolProvider.class).stream().map(ServiceLoader.Provider::get).toList());
  }

  public boolean contains(String name) {
    return providers.containsKey(name);
  }

  public ProtocolProvider get(String name) {
    return providers.get(name);
  }

  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  public Map<String, ProtocolProvider> all() {
    return providers;
  }
}
