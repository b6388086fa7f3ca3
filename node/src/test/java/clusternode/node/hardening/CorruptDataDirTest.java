package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.Main;
import clusternode.protocols.testing.TestPorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bin/node} on a data directory whose Raft log was damaged in the middle refuses to start:
 * exit code 1 and exactly one line on stderr naming the segment file and the byte offset, rather
 * than a stack trace or a node serving a log with a hole.
 */
class CorruptDataDirTest {
  @TempDir Path tmp;

  @Test
  void aNodeOnACorruptLogExitsWithOneLineNamingTheFileAndOffset() throws Exception {
    Path data = tmp.resolve("data");
    String cluster = """
        cluster-node {
          id = n1
          data-dir = "%s"
          protocols = [raft]
          # In-process nodes without key material; TLS between nodes is TlsRefusalIT's subject.
          transport.tls.enabled = off
          peers { n1 { host = "127.0.0.1", akka-port = %d, http-port = %d } }
        }
        """.formatted(data, TestPorts.port(27905), TestPorts.port(28405));
    try (SingleNode node = SingleNode.start(data, TestPorts.port(27905), TestPorts.port(28405),
        "cluster-node.protocols = [raft]")) {
      for (int i = 0; i < 5; i++) {
        node.ok("PUT", "/kv/k" + i, "value-" + i);
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(data.resolve("raft").resolve("log"))) {
      segment = files.sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    bytes[30] ^= 0x5A; // inside the first record; the records after it still verify
    Files.write(segment, bytes);
    Path conf = tmp.resolve("node.conf");
    Files.writeString(conf, cluster);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("node", "--config", conf.toString(), "--id", "n1");
    } finally {
      System.setErr(original);
    }
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, exit, "exit code; stderr: " + lines);
    assertEquals(1, lines.size(), "one line on stderr: " + lines);
    String line = lines.get(0);
    assertTrue(line.startsWith("cannot start: "), line);
    assertTrue(line.contains(segment.getFileName().toString()) && line.contains("byte offset"), line);
  }
}
