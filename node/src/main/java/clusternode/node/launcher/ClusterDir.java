package clusternode.node.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The files of a local cluster run under one directory (default {@code target/cluster}): which
 * deployment is up, the admin token, and per node its pid file, log and data directory.
 */
public final class ClusterDir {
  private final Path root;

  public ClusterDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path nodeDir(String id) {
    return root.resolve(id);
  }

  public Path dataDir(String id) {
    return nodeDir(id).resolve("data");
  }

  public Path logFile(String id) {
    return nodeDir(id).resolve("node.log");
  }

  /** The PBFT public keys (and where each private key is) of this run's deployment. */
  public Path pbftKeysFile() {
    return root.resolve("pbft-keys.conf");
  }

  /** The deployment CA and every node's TLS key store (see {@link DeploymentCa}). */
  public Path tlsDir() {
    return root.resolve("tls");
  }

  public Path tokenFile() {
    return root.resolve("admin-token");
  }

  private Path deploymentRecord() {
    return root.resolve("deployment");
  }

  private Path pidFile(String id) {
    return nodeDir(id).resolve("pid");
  }

  /** The deployment file of the cluster started here, if one was. */
  public Optional<Path> deployment() throws IOException {
    Path record = deploymentRecord();
    return Files.exists(record) ? Optional.of(Path.of(Files.readString(record).strip())) : Optional.empty();
  }

  public void recordDeployment(Path file) throws IOException {
    Files.createDirectories(root);
    Files.writeString(deploymentRecord(), file.toAbsolutePath().normalize() + "\n");
  }

  /** The admin token of this run; made (random, 32 hex characters, owner-only) when missing. */
  public String adminToken(boolean createIfMissing) throws IOException {
    Path file = tokenFile();
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    if (!createIfMissing) {
      return "";
    }
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    Files.createDirectories(root);
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // Not a POSIX file system; the token stays readable by whoever can read the directory.
    }
    return token;
  }

  public void forgetToken() throws IOException {
    Files.deleteIfExists(tokenFile());
  }

  /** The running process of node {@code id}, if its pid file names a live process of ours. */
  public Optional<ProcessHandle> process(String id) throws IOException {
    Path file = pidFile(id);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String[] parts = Files.readString(file).strip().split(" ");
    Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
    // A recycled pid is not ours: the start instant must match the one recorded at launch.
    return handle.filter(h -> h.isAlive() && !LocalCluster.isZombie(h.pid()))
        .filter(h -> parts.length < 2 || h.info().startInstant().map(Instant::toString).orElse("").equals(parts[1]));
  }

  public void recordProcess(String id, ProcessHandle process) throws IOException {
    Files.createDirectories(nodeDir(id));
    String start = process.info().startInstant().map(Instant::toString).orElse("");
    Files.writeString(pidFile(id), process.pid() + " " + start + "\n");
  }

  public void forgetProcess(String id) throws IOException {
    Files.deleteIfExists(pidFile(id));
  }
}
