package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pending transfer's timeout on a quiet ledger over Raft, with the shipped defaults
 * ({@code cluster-node.ledger.tick-interval = 1s} from reference.conf): it expires with no client
 * command after it, and an idle ledger with nothing due adds nothing to the Raft log.
 */
class LedgerExpiryTest {
  @TempDir Path dir;

  @Test
  void aPendingTimeoutExpiresWithoutFurtherTrafficAndAnIdleLedgerProposesNothing() throws Exception {
    try (SingleNode node = SingleNode.start(dir.resolve("n1"), TestPorts.port(27919), TestPorts.port(28419), "")) {
      node.ok("POST", "/ledger/accounts", "{\"id\":\"alice\"}");
      node.ok("POST", "/ledger/accounts", "{\"id\":\"bob\"}");
      node.ok("POST", "/ledger/deposits", "{\"id\":\"d1\",\"account\":\"alice\",\"amount\":100}");
      long idle = node.consensus("commitIndex");
      Thread.sleep(2_500); // over two tick intervals with nothing pending: none may be proposed
      assertEquals(idle, node.consensus("commitIndex"), "an idle ledger does not grow the log");

      node.ok("POST", "/ledger/transfers",
          "{\"id\":\"p1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":40,\"pending\":true,\"timeoutMs\":300}");
      assertEquals(40, pending(node));
      long afterPending = node.consensus("commitIndex");
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (pending(node) != 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, pending(node), "p1 expired with no command after it");
      assertEquals(100, node.ok("GET", "/ledger/accounts/alice", null).path("available").asLong());
      assertTrue(types(node.ok("GET", "/ledger/accounts/alice/history", null)).contains("PendingExpired"));
      long ticks = node.consensus("commitIndex") - afterPending;
      assertTrue(ticks >= 1 && ticks <= 2, "one tick expired it (" + ticks + " entries)");
      JsonNode audit = node.ok("GET", "/ledger/audit", null);
      assertTrue(audit.path("ok").asBoolean(), audit::toString);
      assertEquals(0, audit.path("pendingTotal").asLong());
    }
  }

  private static long pending(SingleNode node) throws Exception {
    return node.ok("GET", "/ledger/accounts/alice", null).path("pending").asLong();
  }

  private static List<String> types(JsonNode history) {
    List<String> types = new ArrayList<>();
    history.path("events").forEach(e -> types.add(e.path("event").path("type").asText()));
    return types;
  }
}
