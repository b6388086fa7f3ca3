package clusternode.protocols.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.Ledger;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.statemachine.StateMachine;
import clusternode.protocols.statemachine.StateMachines;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The ledger behind the StateMachine contract: JSON in, JSON out, through the router as Raft drives it. */
class LedgerStateMachineTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode json(byte[] bytes) throws Exception {
    return LedgerCodec.MAPPER.readTree(bytes);
  }

  @Test
  void commandsAndQueriesAreJsonThroughTheRouter() throws Exception {
    LedgerStateMachine ledger = new LedgerStateMachine();
    StateMachines machines = new StateMachines(List.<StateMachine>of(ledger));
    JsonNode opened = json(machines.apply(1, StateMachines.encode("ledger", utf8("{\"type\":\"open\",\"id\":\"a\"}"))));
    assertTrue(opened.path("ok").asBoolean(), opened::toString);
    JsonNode deposited = json(machines.apply(2, StateMachines.encode("ledger",
        utf8("{\"type\":\"deposit\",\"id\":\"d1\",\"account\":\"a\",\"amount\":250,\"timeMs\":1000}"))));
    assertEquals(1000, deposited.path("timeMs").asLong());
    JsonNode balance = json(ledger.query(utf8("{\"type\":\"balance\",\"account\":\"a\"}")));
    assertEquals(250, balance.path("value").path("balance").asLong());
    JsonNode old = json(ledger.query(utf8("{\"type\":\"balance\",\"account\":\"a\",\"asOfIndex\":1}")));
    assertEquals(0, old.path("value").path("balance").asLong());
    JsonNode missing = json(ledger.query(utf8("{\"type\":\"balance\",\"account\":\"b\"}")));
    assertFalse(missing.path("ok").asBoolean());
    assertEquals("unknown_account", missing.path("reason").asText());
    JsonNode audit = json(ledger.query(utf8("{\"type\":\"audit\"}")));
    assertTrue(audit.path("value").path("ok").asBoolean());
    assertEquals(2, ledger.lastAppliedIndex());
  }

  @Test
  void unreadableCommandsAreResultsNotExceptionsAndTheSameOnEveryReplica() throws Exception {
    LedgerStateMachine a = new LedgerStateMachine();
    LedgerStateMachine b = new LedgerStateMachine();
    String[] bad = {"", "{", "{\"type\":\"deposit\",\"id\":\"x\",\"account\":\"a\",\"amount\":1.5}",
        "{\"type\":\"teleport\"}", "{\"type\":\"open\",\"id\":\"a\",\"extra\":true}", "\"just a string\""};
    long index = 0;
    for (String s : bad) {
      index++;
      byte[] ra = a.apply(index, utf8(s));
      assertEquals(new String(ra, StandardCharsets.UTF_8), new String(b.apply(index, utf8(s)), StandardCharsets.UTF_8));
      assertEquals("malformed_command", json(ra).path("reason").asText(), s);
    }
    assertEquals(index, a.lastAppliedIndex());
    assertEquals(a.ledger().digest(), b.ledger().digest());
    assertEquals("malformed_query", json(a.query(utf8("{\"type\":\"nope\"}"))).path("reason").asText());
  }

  @Test
  void snapshotAndRestoreThroughTheRouter() {
    LedgerStateMachine a = new LedgerStateMachine();
    StateMachines machines = new StateMachines(List.<StateMachine>of(a));
    machines.apply(3, StateMachines.encode("ledger", utf8("{\"type\":\"open\",\"id\":\"a\",\"limit\":5}")));
    LedgerStateMachine b = new LedgerStateMachine();
    StateMachines other = new StateMachines(List.<StateMachine>of(b));
    other.restore(machines.snapshot());
    assertEquals(3, other.lastAppliedIndex());
    assertEquals(3, b.lastAppliedIndex());
    assertEquals(a.ledger().digest(), b.ledger().digest());
  }

  /** Run with -Dledger.bench=true: transfers per second of the pure ledger and of the JSON state machine. */
  @Test
  @EnabledIfSystemProperty(named = "ledger.bench", matches = "true")
  void benchmark() {
    int accounts = 1000;
    int n = Integer.getInteger("ledger.bench.n", 500_000);
    Ledger core = new Ledger();
    long index = 0;
    for (int i = 0; i < accounts; i++) {
      core.execute(++index, new Command.OpenAccount("a" + i, 0, 0));
      core.execute(++index, new Command.Deposit("d" + i, "a" + i, 1_000_000_000L, 0));
    }
    Command[] commands = new Command[n];
    for (int i = 0; i < n; i++) {
      commands[i] = new Command.Transfer("t" + i, "a" + (i % accounts), "a" + ((i * 7 + 1) % accounts), 1, false, 0, i);
    }
    long start = System.nanoTime();
    for (Command c : commands) {
      core.execute(++index, c);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ledger core: %,d transfers in %.2f s = %,.0f/s%n", n, seconds, n / seconds);
    LedgerStateMachine machine = new LedgerStateMachine();
    machine.restore(core.snapshot());
    int m = 200_000;
    byte[][] bytes = new byte[m][];
    for (int i = 0; i < m; i++) {
      bytes[i] = utf8("{\"type\":\"transfer\",\"id\":\"j" + i + "\",\"from\":\"a" + (i % accounts) + "\",\"to\":\"a"
          + ((i + 1) % accounts) + "\",\"amount\":1,\"timeMs\":" + i + "}");
    }
    start = System.nanoTime();
    for (byte[] b : bytes) {
      machine.apply(++index, b);
    }
    seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ledger state machine (JSON): %,d transfers in %.2f s = %,.0f/s%n", m, seconds, m / seconds);
  }
}
