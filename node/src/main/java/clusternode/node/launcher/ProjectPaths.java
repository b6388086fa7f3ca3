package clusternode.node.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project, its deployment files and the node jar are, for every command that launches nodes. */
public final class ProjectPaths {
  private ProjectPaths() {}

  /** The project directory: {@code CLUSTERNODE_HOME} (set by the bin/ scripts), else the current one. */
  public static Path home() {
    String home = System.getenv("CLUSTERNODE_HOME");
    return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
  }

  /** A relative path as given from the current directory, else from the project. */
  public static Path resolveConfig(Path config) {
    if (config.isAbsolute() || Files.exists(config)) {
      return config.toAbsolutePath().normalize();
    }
    return home().resolve(config);
  }

  /** The node jar: {@code -Dclusternode.jar}, else the jar this code runs from. */
  public static Path jar() {
    String explicit = System.getProperty("clusternode.jar");
    if (explicit != null) {
      return Path.of(explicit);
    }
    try {
      Path self = Path.of(ProjectPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (java.net.URISyntaxException ignored) {
      // fall through to the error below
    }
    throw new IllegalStateException("not running from the node jar; build it with mvn -DskipTests package");
  }
}
