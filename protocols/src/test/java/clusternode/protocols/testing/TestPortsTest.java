package clusternode.protocols.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test ports stay clear of outgoing connections' source ports and of other test JVMs. */
class TestPortsTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /**
   * The old way's failure, shown: a port from {@code new ServerSocket(0)} is an ephemeral port,
   * the same pool the kernel draws outgoing connections' source ports from; once a connection
   * holds it, a replica restarting on it cannot bind.
   */
  @Test
  void aPortFromServerSocketZeroCanBeTakenByAnOutgoingConnection() throws IOException {
    TestPorts.Range ephemeral = TestPorts.ephemeralRange();
    int oldWay;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      oldWay = s.getLocalPort();
    }
    assertTrue(ephemeral.contains(oldWay), oldWay + " lies in the ephemeral range " + ephemeral);
    try (ServerSocket peer = new ServerSocket(0, 1, LOOPBACK); Socket outgoing = new Socket()) {
      outgoing.connect(peer.getLocalSocketAddress());
      int source = outgoing.getLocalPort();
      assertTrue(ephemeral.contains(source), "the kernel picked source port " + source + " from " + ephemeral);
      try (ServerSocket restart = new ServerSocket()) {
        restart.setReuseAddress(true);
        assertThrows(BindException.class, () -> restart.bind(new InetSocketAddress(LOOPBACK, source)),
            "a restart cannot bind a port an outgoing connection holds");
      }
    }
  }

  @Test
  void noTestPortLiesInTheEphemeralRange() {
    TestPorts.Range ephemeral = TestPorts.ephemeralRange();
    for (int i = 0; i < 300; i++) {
      int port = TestPorts.next();
      assertFalse(ephemeral.contains(port), port + " lies in " + ephemeral);
    }
    for (int plan = TestPorts.PLAN_FIRST; plan <= TestPorts.PLAN_LAST; plan += 97) {
      assertFalse(ephemeral.contains(TestPorts.port(plan)), "plan port " + plan + " -> " + TestPorts.port(plan));
    }
    assertFalse(ephemeral.contains(TestPorts.port(TestPorts.PLAN_LAST)));
  }

  /** A port some connection uses as its source port is never handed out. */
  @Test
  void aPortHeldByAnOutgoingConnectionIsNeverHandedOut() throws IOException {
    try (ServerSocket peer = new ServerSocket(0, 1, LOOPBACK); Socket outgoing = sourcedFromNextCandidate()) {
      outgoing.connect(peer.getLocalSocketAddress());
      int held = outgoing.getLocalPort();
      assertFalse(TestPorts.isFree(held), "the connection holds " + held);
      int given = TestPorts.next();
      assertNotEquals(held, given, "the helper handed out the port the connection holds");
      try (ServerSocket listener = new ServerSocket()) {
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(LOOPBACK, given)); // throws if the handed-out port is taken
      }
    }
  }

  /**
   * A client socket bound, as an outgoing connection's is, to the port the helper would hand out
   * next. Without SO_REUSEADDR, like a kernel-picked source port; a port an earlier run of this
   * test left in TIME_WAIT cannot be bound that way, so such a port is passed over.
   */
  private static Socket sourcedFromNextCandidate() throws IOException {
    for (int tries = 0; tries < 20; tries++) {
      int candidate = TestPorts.nextCandidate();
      Socket s = new Socket();
      try {
        s.bind(new InetSocketAddress(LOOPBACK, candidate));
        return s;
      } catch (BindException timeWait) {
        s.close();
        TestPorts.next();
      }
    }
    throw new AssertionError("20 candidate ports in a row could not be bound by a client socket");
  }

  @Test
  void planPortsKeepTheirDistancesWithinOneJvm() {
    assertEquals(TestPorts.port(27551) + 1, TestPorts.port(27552));
    assertEquals(TestPorts.port(27551), TestPorts.port(27551), "stable within the JVM");
    assertEquals(TestPorts.slotFirst(), TestPorts.port(TestPorts.PLAN_FIRST));
    assertThrows(IllegalArgumentException.class, () -> TestPorts.port(2551));
  }

  /** The slot this JVM holds is locked: a second claimer (another test JVM) moves on to another slot. */
  @Test
  void anotherClaimerCannotTakeThisJvmsSlot() {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "clusternode-test-ports");
    assertNull(TestPorts.tryClaim(dir, TestPorts.slotFirst()), "this JVM's slot is locked");
  }

  @Test
  void slotsAreWholeBlocksOutsideTheRange() {
    List<Integer> starts = TestPorts.slotStarts(new TestPorts.Range(32768, 60999));
    assertEquals(List.of(10000, 13000, 16000, 19000, 22000, 25000, 28000, 61000), starts);
    assertEquals(List.of(), TestPorts.slotStarts(new TestPorts.Range(1024, 65535)), "no room: no slot");
    assertEquals(List.of(40000, 43000, 46000, 49000, 52000, 55000, 58000, 61000),
        TestPorts.slotStarts(new TestPorts.Range(1024, 39999)));
  }

  @Test
  void aDeploymentFileGetsThisJvmsPorts(@TempDir Path dir) throws IOException {
    Path conf = dir.resolve("in").resolve("it-x.conf");
    Files.createDirectories(conf.getParent());
    Files.writeString(conf, """
        cluster-node.peers {
          n1 { host = "127.0.0.1", akka-port = 27551, http-port = 28081 }
          n2 { host = "127.0.0.1", akka-port=27552, http-port = 28082 }
        }
        """);
    String shifted = Files.readString(TestPorts.deployment(conf, dir.resolve("out")));
    assertTrue(shifted.contains("akka-port = " + TestPorts.port(27551) + ","), shifted);
    assertTrue(shifted.contains("akka-port=" + TestPorts.port(27552) + ","), shifted);
    assertTrue(shifted.contains("http-port = " + TestPorts.port(28082) + " }"), shifted);
    assertFalse(shifted.contains("27551") || shifted.contains("28082"), shifted);
  }
}
