package clusternode.protocols.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ports every test listens on. Two rules keep a test's port from being taken under it:
 *
 * <ul>
 *   <li>No test port lies in the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}),
 *       from which the kernel picks the source port of every outgoing connection. A port picked with
 *       {@code new ServerSocket(0)} comes from that range, and while a test's replica is down for a
 *       restart, some other connection's source port can land on it: the restart then cannot bind.
 *   <li>Each test JVM owns one <em>slot</em>, a block of {@value #SLOT_PORTS} ports, held by a file
 *       lock for the JVM's life (the kernel drops it when the JVM dies, even on kill -9), and checked
 *       free when claimed. Two test runs on one machine, or a run's test and integration-test JVMs,
 *       never share a port.
 * </ul>
 *
 * <p>A slot's first {@value #PLAN_PORTS} ports mirror the fixed port plan of the tests
 * ({@value #PLAN_FIRST}-{@value #PLAN_LAST}: each test class has its own ports there, see the
 * {@code it-*.conf} files), shifted by the slot's offset: {@link #port(int)}. The rest are handed
 * out one by one by {@link #next()}, each checked free first.
 */
public final class TestPorts {
  /** The fixed test port plan: ports tests name in their code and deployment files. */
  public static final int PLAN_FIRST = 27000;
  public static final int PLAN_LAST = 28999;
  static final int PLAN_PORTS = PLAN_LAST - PLAN_FIRST + 1;
  static final int DYNAMIC_PORTS = 1000;
  static final int SLOT_PORTS = PLAN_PORTS + DYNAMIC_PORTS;
  /** Below this are well-known ports and the ones users' clusters take (2551..., 8081...). */
  static final int LOWEST_PORT = 10000;
  static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final Pattern PORT_SETTING = Pattern.compile("((?:akka|http)-port\\s*=\\s*)(\\d+)");

  private static Slot slot;
  private static int nextDynamic;

  private TestPorts() {}

  /** One claimed block of ports, and the lock that keeps it ours. */
  record Slot(int first, FileChannel lockFile, FileLock lock) {}

  /** A range of ports, both ends included. */
  public record Range(int first, int last) {
    boolean contains(int port) {
      return port >= first && port <= last;
    }
  }

  /** This JVM's counterpart of plan port {@code planPort}: the same for every call in this JVM. */
  public static synchronized int port(int planPort) {
    if (planPort < PLAN_FIRST || planPort > PLAN_LAST) {
      throw new IllegalArgumentException("test port " + planPort + " is outside the plan " + PLAN_FIRST + "-" + PLAN_LAST);
    }
    return slot().first() + (planPort - PLAN_FIRST);
  }

  /** The port {@link #next()} tries first. */
  static synchronized int nextCandidate() {
    return slot().first() + PLAN_PORTS + nextDynamic;
  }

  /** The first port of this JVM's slot. */
  public static synchronized int slotFirst() {
    return slot().first();
  }

  /** A port nobody listens on now, outside the ephemeral range, never handed out twice in a row. */
  public static synchronized int next() {
    int base = slot().first() + PLAN_PORTS;
    for (int tries = 0; tries < DYNAMIC_PORTS; tries++) {
      int candidate = base + nextDynamic;
      nextDynamic = (nextDynamic + 1) % DYNAMIC_PORTS;
      if (isFree(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("every port of " + base + "-" + (base + DYNAMIC_PORTS - 1) + " is in use");
  }

  /** {@link #deployment(Path, Path)} into {@code target/test-ports/<slot>/}. */
  public static Path deployment(Path conf) {
    return deployment(conf, Path.of("target", "test-ports", Integer.toString(slotFirst())));
  }

  /**
   * A copy of deployment file {@code conf} (in {@code outDir}) with every {@code akka-port} and
   * {@code http-port} moved to its counterpart in this JVM's slot.
   */
  public static Path deployment(Path conf, Path outDir) {
    try {
      Matcher m = PORT_SETTING.matcher(Files.readString(conf));
      StringBuilder shifted = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(shifted, m.group(1) + port(Integer.parseInt(m.group(2))));
      }
      m.appendTail(shifted);
      Files.createDirectories(outDir);
      Path out = outDir.resolve(conf.getFileName());
      Files.writeString(out, shifted);
      return out.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kernel's ephemeral port range, as it says today. */
  public static Range ephemeralRange() {
    try {
      // Files.readString trusts the file's size, which /proc reports as 0: read the stream instead.
      String text;
      try (var in = Files.newInputStream(EPHEMERAL_RANGE)) {
        text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      }
      String[] bounds = text.trim().split("\\s+");
      return new Range(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1]));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the ephemeral port range from " + EPHEMERAL_RANGE + ": " + e, e);
    }
  }

  /** Where a slot may start: whole blocks at or above {@link #LOWEST_PORT}, below or above {@code ephemeral}. */
  static List<Integer> slotStarts(Range ephemeral) {
    List<Integer> starts = new ArrayList<>();
    addBlocks(starts, LOWEST_PORT, ephemeral.first() - 1);
    addBlocks(starts, Math.max(LOWEST_PORT, ephemeral.last() + 1), 65535);
    return starts;
  }

  private static void addBlocks(List<Integer> starts, int first, int last) {
    for (int start = first; start + SLOT_PORTS - 1 <= last; start += SLOT_PORTS) {
      starts.add(start);
    }
  }

  /** True when a listener could bind {@code port} on loopback right now. */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Slot slot() {
    if (slot == null) {
      slot = claim(slotStarts(ephemeralRange()));
    }
    return slot;
  }

  private static Slot claim(List<Integer> starts) {
    if (starts.isEmpty()) {
      throw new IllegalStateException("no block of " + SLOT_PORTS + " ports between " + LOWEST_PORT
          + " and 65535 lies outside the ephemeral range " + ephemeralRange() + " (" + EPHEMERAL_RANGE
          + "); narrow it, e.g. sysctl net.ipv4.ip_local_port_range='32768 60999'");
    }
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "clusternode-test-ports");
    for (int first : starts) {
      Slot claimed = tryClaim(dir, first);
      if (claimed != null) {
        return claimed;
      }
    }
    throw new IllegalStateException("every test port slot " + starts + " is locked by another test JVM or has ports "
        + "in use (locks in " + dir + ")");
  }

  static Slot tryClaim(Path dir, int first) {
    try {
      Files.createDirectories(dir);
      FileChannel channel = FileChannel.open(dir.resolve("slot-" + first + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null || !allFree(first)) {
        if (lock != null) {
          lock.release();
        }
        channel.close();
        return null;
      }
      return new Slot(first, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock a test port slot in " + dir, e);
    }
  }

  private static boolean allFree(int first) {
    for (int port = first; port < first + SLOT_PORTS; port++) {
      if (!isFree(port)) {
        return false;
      }
    }
    return true;
  }
}
