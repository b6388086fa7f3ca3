package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.Node;
import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.protocols.testing.TestPorts;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Raft nodes in this JVM talking over real Artery TCP with the node's wire settings (frame
 * size from cluster-node.transport.max-frame-bytes, bounded CBOR parsing). A value near the largest
 * KV operation Raft accepts must replicate and be read back through the other node; a larger one
 * is refused with 400 before it reaches the log (an AppendEntries over the frame would be dropped
 * by Akka, over and over, and nothing after it could commit).
 */
class LargeValueReplicationTest {
  @TempDir Path dir;

  private Node start(String id) throws Exception {
    String conf = """
        cluster-node {
          id = %s
          data-dir = "%s"
          protocols = [raft]
          # In-process nodes without key material; TLS between nodes is TlsRefusalIT's subject.
          transport.tls.enabled = off
          peers {
            n1 { host = "127.0.0.1", akka-port = %d, http-port = %d }
            n2 { host = "127.0.0.1", akka-port = %d, http-port = %d }
          }
        }
        """.formatted(id, dir.resolve(id), TestPorts.port(27906), TestPorts.port(28406), TestPorts.port(27907),
            TestPorts.port(28407));
    return Node.start(NodeConfig.fromLayers(ConfigFactory.parseString(conf), "test", ProtocolCatalog.discover()));
  }

  @Test
  void aValueNearTheCommandLimitReplicatesAndReadsBackThroughTheOtherNode() throws Exception {
    try (Node n1 = start("n1"); Node n2 = start("n2")) {
      RawHttp h1 = new RawHttp("127.0.0.1", TestPorts.port(28406));
      RawHttp h2 = new RawHttp("127.0.0.1", TestPorts.port(28407));
      byte[] value = new byte[100 * 1024];
      new Random(42).nextBytes(value);
      long deadline = System.nanoTime() + 60_000_000_000L;
      RawHttp.Response put;
      do { // until a leader is elected and the write commits (503 while there is none)
        put = h1.send(RawHttp.request("PUT", "/kv/big", Map.of(), value));
      } while (put.status() == 503 && System.nanoTime() < deadline);
      assertEquals(200, put.status(), put.text());
      RawHttp.Response read = h2.send(RawHttp.request("GET", "/kv/big", Map.of(), null));
      assertEquals(200, read.status(), read.text());
      assertArrayEquals(value, read.body(), "the value read through n2");
      byte[] tooBig = new byte[150 * 1024];
      RawHttp.Response refused = h2.send(RawHttp.request("PUT", "/kv/too-big", Map.of(), tooBig));
      assertEquals(400, refused.status(), refused.text());
      assertTrue(refused.text().contains("bytes"), refused.text());
    }
  }
}
